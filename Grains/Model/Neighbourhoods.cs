namespace OrleansReco.Grains.Model;

/// <summary>What the model knows of a candidate neighbour from the item index.</summary>
public readonly record struct CandidateStats(int Occurrence, string? Category, bool Available);

/// <summary>One neighbour of an item; <paramref name="Content"/> is the pair's content (text) similarity, 0 when none.</summary>
public readonly record struct SimilarItem(string ItemId, double Similarity, int Support, string? Category, double Content = 0);

public static class Neighbourhoods
{
    /// <summary>
    /// Top-<paramref name="size"/> neighbours by similarity among co-items supported by at least
    /// <paramref name="minSupport"/> users, so that no list can reveal one shopper's basket. Unavailable items and
    /// items the index does not know are left out. Ties break on support, then id, so results are deterministic.
    /// </summary>
    public static List<SimilarItem> Build(
        int occurrence,
        IReadOnlyDictionary<string, int> coOccurrence,
        IReadOnlyDictionary<string, CandidateStats> candidates,
        SimilarityKind kind,
        int minSupport,
        int size)
    {
        return coOccurrence
            .Where(kv => kv.Value >= minSupport)
            .Select(kv => candidates.TryGetValue(kv.Key, out var stats) && stats.Available
                ? new SimilarItem(kv.Key, Similarity.Compute(kind, kv.Value, occurrence, stats.Occurrence), kv.Value, stats.Category)
                : (SimilarItem?)null)
            .OfType<SimilarItem>()
            .Where(s => s.Similarity > 0)
            .OrderByDescending(s => s.Similarity)
            .ThenByDescending(s => s.Support)
            .ThenBy(s => s.ItemId, StringComparer.Ordinal)
            .Take(size)
            .ToList();
    }

    /// <summary>The co-items worth looking up: only those that could be published.</summary>
    public static IEnumerable<string> Candidates(IReadOnlyDictionary<string, int> coOccurrence, int minSupport) =>
        coOccurrence.Where(kv => kv.Value >= minSupport).Select(kv => kv.Key);
}
