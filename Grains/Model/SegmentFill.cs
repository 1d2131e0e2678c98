using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Grains.Model;

/// <summary>
/// "Popular in your segment": what the popularity fill of a light shopper starts with. Shared by the recommender and
/// by <c>evaluate --fill-only</c>, which scores the fill alone, so what is measured is what is served.
/// </summary>
public static class SegmentFill
{
    /// <summary>Whether the shopper is light enough for a segment fill: a caller checks before it fetches the model.</summary>
    public static bool Applies(UserContext context, int maxHistoryItems) =>
        context.Personalization && context.History.Count > 0 && context.History.Count <= maxHistoryItems;

    /// <summary>
    /// The popular items of the shopper's segment in <paramref name="model"/> (of <paramref name="category"/> if
    /// given), when the shopper has at least one and at most <paramref name="maxHistoryItems"/> history items; empty
    /// otherwise and without segments. The segment is the nearest centroid to the shopper's vector of the same model
    /// version, folded in here when the one the user grain holds is of another.
    /// </summary>
    public static IReadOnlyList<PopularItem> For(EmbeddingModel? model, UserContext context, int maxHistoryItems, string? category)
    {
        if (model is not { Segments.Count: > 0 } || !Applies(context, maxHistoryItems))
        {
            return [];
        }
        var vector = context.Embedding is { } held && held.Version == model.Version
            ? held.Vector
            : model.FoldIn(context.History.Select(h => (h.ItemId, h.Affinity)));
        return vector is not null && model.SegmentOf(vector) is { } segment
            ? segment.Popular.Where(p => category is null || string.Equals(p.Category, category, StringComparison.OrdinalIgnoreCase)).ToList()
            : [];
    }
}
