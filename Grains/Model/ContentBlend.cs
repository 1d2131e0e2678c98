namespace OrleansReco.Grains.Model;

/// <summary>
/// How much an item's catalogue text speaks for it beside its co-occurrence counts: fully while no shopper holds it,
/// half at <c>support</c> shoppers, and less and less after, as counts take over (a shrinkage weight,
/// support / (support + occurrence)). Until co-occurrence exists, text is all a new product has.
/// </summary>
public static class ContentBlend
{
    /// <summary>The content share for an item held by <paramref name="occurrence"/> shoppers; 0 when support is 0 (off).</summary>
    public static double Weight(int occurrence, double support) =>
        support <= 0 ? 0 : support / (support + Math.Max(occurrence, 0));

    /// <summary>
    /// An item's neighbourhood: each neighbour's similarity is (1 - w) * its co-occurrence similarity + w * its
    /// content similarity, w = <paramref name="contentWeight"/>; a neighbour from one list only has 0 in the other.
    /// The top <paramref name="size"/> by that, ties on support then id. With w = 0 the co-occurrence list is
    /// returned as it is, so an item without text, or with content off, has the neighbourhood it had before.
    /// </summary>
    public static List<SimilarItem> Blend(
        IReadOnlyList<SimilarItem> coOccurrence, IReadOnlyList<SimilarItem> content, double contentWeight, int size)
    {
        if (contentWeight <= 0 || content.Count == 0) return coOccurrence.Take(size).ToList();
        var blended = new Dictionary<string, SimilarItem>(StringComparer.Ordinal);
        foreach (var n in coOccurrence)
        {
            blended[n.ItemId] = n with { Similarity = (1 - contentWeight) * n.Similarity, Content = 0 };
        }
        foreach (var c in content)
        {
            blended[c.ItemId] = blended.TryGetValue(c.ItemId, out var n)
                ? n with { Similarity = n.Similarity + contentWeight * c.Similarity, Content = c.Similarity }
                : c with { Similarity = contentWeight * c.Similarity, Support = 0, Content = c.Similarity };
        }
        return blended.Values
            .Where(n => n.Similarity > 0)
            .OrderByDescending(n => n.Similarity)
            .ThenByDescending(n => n.Support)
            .ThenBy(n => n.ItemId, StringComparer.Ordinal)
            .Take(size)
            .ToList();
    }
}
