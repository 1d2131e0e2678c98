namespace OrleansReco.Grains.Model;

/// <summary>One candidate of a ranked pool as the re-ranker sees it: its blended score and its category, if known.</summary>
public readonly record struct DiversityCandidate(string ItemId, double Relevance, string? Category);

/// <summary>
/// Re-ranking a relevance-ordered pool for a diverse list: maximal marginal relevance (Carbonell and Goldstein 1998)
/// and a cap on items per category. Picks greedily, each step the candidate of highest
/// <c>(1 - λ) * relevance - λ * max similarity to the items already chosen</c>, where relevance is the pool's
/// scores scaled to [0, 1] (min-max over the pool), so λ means the same whatever the blend weights or the mode
/// make of the scores' range; the similarity is expected in [0, 1] as well. Equal marginal scores go to the more
/// relevant candidate, then the earlier one in the pool (the caller's order, ties there by id), so equal inputs give
/// equal lists.
/// </summary>
public static class Diversification
{
    /// <summary>How many times the requested count the pool should hold: room to swap near-duplicates out.</summary>
    public const int PoolFactor = 4;

    /// <summary>The pool's bound whatever the count: MMR costs count x pool similarities.</summary>
    public const int MaxPool = 200;

    /// <summary>The pool to re-rank for a list of <paramref name="count"/>.</summary>
    public static int PoolSize(int count) => Math.Max(count, Math.Min(count * PoolFactor, MaxPool));

    /// <summary>Whether the options ask for any re-ranking at all: when not, the ranked list is the answer as it is.</summary>
    public static bool Applies(double diversity, int? maxPerCategory) => diversity > 0 || maxPerCategory is not null;

    /// <summary>
    /// Up to <paramref name="count"/> positions of <paramref name="pool"/> (best first by relevance, as ranked), in list
    /// order. With <paramref name="diversity"/> 0 and no cap the first <paramref name="count"/> positions, in order.
    /// <paramref name="maxPerCategory"/> is never exceeded: the list comes out shorter when the pool cannot fill it
    /// otherwise. Items without a category are not capped: nothing says they repeat one.
    /// </summary>
    /// <param name="similarity">Similarity in [0, 1] of two pool positions; asked only when <paramref name="diversity"/> is above 0.</param>
    /// <param name="listedCategories">Categories of items listed before these (another part of the same list): they count against the cap.</param>
    public static List<int> Rerank(
        IReadOnlyList<DiversityCandidate> pool, int count, double diversity, int? maxPerCategory, Func<int, int, double> similarity,
        IEnumerable<string?>? listedCategories = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (diversity is < 0 or > 1 || double.IsNaN(diversity)) throw new ArgumentOutOfRangeException(nameof(diversity), diversity, "must be in [0, 1]");
        if (maxPerCategory is < 1) throw new ArgumentOutOfRangeException(nameof(maxPerCategory), maxPerCategory, "must be positive");

        var relevance = Normalised(pool);
        // Categories compare as the category filter compares them: case-insensitively.
        var perCategory = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var listed in listedCategories ?? [])
        {
            if (listed is not null) perCategory[listed] = perCategory.GetValueOrDefault(listed) + 1;
        }
        // Highest similarity of each candidate to the items chosen so far, updated with each pick: count x pool in all.
        var maxSimilarity = new double[pool.Count];
        var chosen = new bool[pool.Count];
        var list = new List<int>(Math.Min(count, pool.Count));
        while (list.Count < count)
        {
            var best = -1;
            var bestScore = double.NegativeInfinity;
            for (var i = 0; i < pool.Count; i++)
            {
                if (chosen[i] || Capped(pool[i].Category)) continue;
                var score = (1 - diversity) * relevance[i] - diversity * maxSimilarity[i];
                // Strictly greater: of equal scores the earlier (more relevant) position stays.
                if (best < 0 || score > bestScore || (score == bestScore && relevance[i] > relevance[best]))
                {
                    (best, bestScore) = (i, score);
                }
            }
            if (best < 0) break; // every candidate left is in a full category
            chosen[best] = true;
            list.Add(best);
            if (pool[best].Category is { } category) perCategory[category] = perCategory.GetValueOrDefault(category) + 1;
            if (diversity > 0)
            {
                for (var i = 0; i < pool.Count; i++)
                {
                    if (!chosen[i]) maxSimilarity[i] = Math.Max(maxSimilarity[i], similarity(best, i));
                }
            }
        }
        return list;

        bool Capped(string? category) =>
            maxPerCategory is { } cap && category is not null && perCategory.GetValueOrDefault(category) >= cap;
    }

    /// <summary>Relevance scaled to [0, 1] over the pool: the best 1, the worst 0; all equal, all 1.</summary>
    private static double[] Normalised(IReadOnlyList<DiversityCandidate> pool)
    {
        if (pool.Count == 0) return [];
        var (min, max) = (pool.Min(c => c.Relevance), pool.Max(c => c.Relevance));
        var range = max - min;
        return pool.Select(c => range > 0 ? (c.Relevance - min) / range : 1).ToArray();
    }
}
