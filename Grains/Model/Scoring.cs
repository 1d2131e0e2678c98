namespace OrleansReco.Grains.Model;

/// <summary>A scored candidate and the history item that contributed most to its score.</summary>
public readonly record struct ScoredItem(string ItemId, double Score, string Because);

public static class Scoring
{
    /// <summary>
    /// score(u,j) = sum over history items i of a(u,i) * sim(i,j), over the given neighbourhoods (SAR-style).
    /// Candidates in <paramref name="excluded"/> or outside <paramref name="category"/> (when given) are dropped.
    /// Sorted by score, then id, so equal inputs give equal lists.
    /// </summary>
    public static List<ScoredItem> Score(
        IReadOnlyList<(string ItemId, double Affinity)> history,
        IReadOnlyDictionary<string, IReadOnlyList<SimilarItem>> neighbourhoods,
        IReadOnlySet<string> excluded,
        string? category)
    {
        var totals = new Dictionary<string, (double Score, string Because, double BestContribution)>(StringComparer.Ordinal);
        foreach (var (historyItem, affinity) in history)
        {
            if (!neighbourhoods.TryGetValue(historyItem, out var neighbours)) continue;
            foreach (var neighbour in neighbours)
            {
                if (excluded.Contains(neighbour.ItemId)) continue;
                if (category is not null && !string.Equals(neighbour.Category, category, StringComparison.OrdinalIgnoreCase)) continue;

                var contribution = affinity * neighbour.Similarity;
                if (totals.TryGetValue(neighbour.ItemId, out var total))
                {
                    var better = contribution > total.BestContribution;
                    totals[neighbour.ItemId] = (
                        total.Score + contribution,
                        better ? historyItem : total.Because,
                        better ? contribution : total.BestContribution);
                }
                else
                {
                    totals[neighbour.ItemId] = (contribution, historyItem, contribution);
                }
            }
        }
        return totals
            .Select(kv => new ScoredItem(kv.Key, kv.Value.Score, kv.Value.Because))
            .OrderByDescending(s => s.Score)
            .ThenBy(s => s.ItemId, StringComparer.Ordinal)
            .ToList();
    }
}
