namespace OrleansReco.Grains.Model;

/// <summary>Mean ranking quality over a set of users, each a value in [0, 1].</summary>
public sealed record RankingScores(int Users, double MapAtK, double NdcgAtK, double PrecisionAtK, double RecallAtK);

/// <summary>
/// Top-k ranking metrics with binary relevance, as the shared Online Retail README defines them, so figures compare
/// with its reference table: the relevant set is a user's distinct test items; every user of the test set counts,
/// and a user without a list scores 0; MAP divides by |relevant| (not by min(k, |relevant|)), nDCG's ideal DCG is
/// over min(k, |relevant|) positions.
/// </summary>
public static class RankingMetrics
{
    /// <param name="relevant">Each test user's relevant items.</param>
    /// <param name="ranked">Each user's recommendations, best first; only the first <paramref name="k"/> count.</param>
    public static RankingScores Score(
        IReadOnlyDictionary<string, IReadOnlySet<string>> relevant,
        IReadOnlyDictionary<string, IReadOnlyList<string>> ranked,
        int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        double map = 0, ndcg = 0, precision = 0, recall = 0;
        var users = 0;
        foreach (var (user, items) in relevant)
        {
            if (items.Count == 0) continue; // nothing to find: not a test user
            users++;
            if (!ranked.TryGetValue(user, out var list)) continue;

            var hits = 0;
            double precisionSum = 0, dcg = 0;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var rank = 1; rank <= Math.Min(k, list.Count); rank++)
            {
                // A list that names an item twice gets credit for it once.
                if (!seen.Add(list[rank - 1]) || !items.Contains(list[rank - 1])) continue;
                hits++;
                precisionSum += (double)hits / rank;
                dcg += 1 / Math.Log2(rank + 1);
            }

            map += precisionSum / items.Count;
            ndcg += dcg / IdealDcg(Math.Min(k, items.Count));
            precision += (double)hits / k;
            recall += (double)hits / items.Count;
        }

        return users == 0
            ? new RankingScores(0, 0, 0, 0, 0)
            : new RankingScores(users, map / users, ndcg / users, precision / users, recall / users);
    }

    private static double IdealDcg(int positions)
    {
        double ideal = 0;
        for (var rank = 1; rank <= positions; rank++) ideal += 1 / Math.Log2(rank + 1);
        return ideal;
    }
}
