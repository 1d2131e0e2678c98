namespace OrleansReco.Grains.Model;

/// <summary>Mean ranking quality over a set of users, each a value in [0, 1].</summary>
public sealed record RankingScores(int Users, double MapAtK, double NdcgAtK, double PrecisionAtK, double RecallAtK);

/// <summary>A paired comparison of two sets of lists on the same test users: mean difference, its standard error, users whose score moved.</summary>
public sealed record PairedDifference(int Users, double Mean, double StandardError, int UsersChanged);

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
        var perUser = PerUser(relevant, ranked, k).ToList();
        return perUser.Count == 0
            ? new RankingScores(0, 0, 0, 0, 0)
            : new RankingScores(
                perUser.Count, perUser.Average(u => u.Scores.MapAtK), perUser.Average(u => u.Scores.NdcgAtK),
                perUser.Average(u => u.Scores.PrecisionAtK), perUser.Average(u => u.Scores.RecallAtK));
    }

    /// <summary>
    /// How much <paramref name="candidate"/>'s lists beat <paramref name="baseline"/>'s in nDCG@k, user by user: the
    /// mean difference and its standard error (the paired differences' standard deviation over the square root of
    /// the users). Two builds scored on the same users differ by chance too; a difference within about two standard
    /// errors is not one to act on.
    /// </summary>
    public static PairedDifference CompareNdcg(
        IReadOnlyDictionary<string, IReadOnlySet<string>> relevant,
        IReadOnlyDictionary<string, IReadOnlyList<string>> baseline,
        IReadOnlyDictionary<string, IReadOnlyList<string>> candidate,
        int k)
    {
        var before = PerUser(relevant, baseline, k).ToDictionary(u => u.User, u => u.Scores.NdcgAtK, StringComparer.Ordinal);
        var differences = PerUser(relevant, candidate, k).Select(u => u.Scores.NdcgAtK - before[u.User]).ToList();
        if (differences.Count < 2) return new PairedDifference(differences.Count, differences.Sum(), 0, differences.Count(d => d != 0));
        var mean = differences.Average();
        var variance = differences.Sum(d => (d - mean) * (d - mean)) / (differences.Count - 1);
        return new PairedDifference(differences.Count, mean, Math.Sqrt(variance / differences.Count), differences.Count(d => d != 0));
    }

    /// <summary>Each test user's scores; a user without a list scores 0, a user with no relevant item is no test user.</summary>
    private static IEnumerable<(string User, RankingScores Scores)> PerUser(
        IReadOnlyDictionary<string, IReadOnlySet<string>> relevant,
        IReadOnlyDictionary<string, IReadOnlyList<string>> ranked,
        int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        foreach (var (user, items) in relevant)
        {
            if (items.Count == 0) continue; // nothing to find: not a test user
            if (!ranked.TryGetValue(user, out var list))
            {
                yield return (user, new RankingScores(1, 0, 0, 0, 0));
                continue;
            }

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
            yield return (user, new RankingScores(
                1, precisionSum / items.Count, dcg / IdealDcg(Math.Min(k, items.Count)), (double)hits / k, (double)hits / items.Count));
        }
    }

    private static double IdealDcg(int positions)
    {
        double ideal = 0;
        for (var rank = 1; rank <= positions; rank++) ideal += 1 / Math.Log2(rank + 1);
        return ideal;
    }
}
