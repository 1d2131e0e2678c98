using FsCheck.Xunit;
using OrleansReco.Grains.Model;
using Xunit;

namespace OrleansReco.UnitTests;

public sealed class RankingMetricsTests
{
    private static IReadOnlyDictionary<string, IReadOnlySet<string>> Relevant(params (string User, string[] Items)[] users) =>
        users.ToDictionary(u => u.User, u => (IReadOnlySet<string>)u.Items.ToHashSet());

    private static IReadOnlyDictionary<string, IReadOnlyList<string>> Ranked(params (string User, string[] Items)[] users) =>
        users.ToDictionary(u => u.User, u => (IReadOnlyList<string>)u.Items);

    [Fact]
    public void Hand_computed_case_with_a_user_who_has_no_list()
    {
        // a: relevant {x, y}, list x p y (k = 3): hits at ranks 1 and 3.
        //    P = 2/3; R = 2/2 = 1; AP = (1/1 + 2/3) / 2 = 5/6;
        //    DCG = 1/log2(2) + 1/log2(4) = 1.5; IDCG over min(3, 2) = 2 positions = 1 + 1/log2(3); nDCG = 1.5 / IDCG.
        // b: relevant {z}, no list: every metric 0. Means are over both users.
        var scores = RankingMetrics.Score(
            Relevant(("a", ["x", "y"]), ("b", ["z"])),
            Ranked(("a", ["x", "p", "y"])),
            k: 3);

        Assert.Equal(2, scores.Users);
        Assert.Equal((2.0 / 3) / 2, scores.PrecisionAtK, 12);
        Assert.Equal(1.0 / 2, scores.RecallAtK, 12);
        Assert.Equal((5.0 / 6) / 2, scores.MapAtK, 12);
        Assert.Equal(1.5 / (1 + 1 / Math.Log2(3)) / 2, scores.NdcgAtK, 12);
    }

    [Fact]
    public void Map_divides_by_all_relevant_items_and_ndcg_by_at_most_k_positions()
    {
        // relevant {r1..r4}, list r1 r2 (k = 2): AP = (1/1 + 2/2) / 4 = 0.5; ideal over min(2, 4) = 2, so nDCG = 1.
        var scores = RankingMetrics.Score(Relevant(("u", ["r1", "r2", "r3", "r4"])), Ranked(("u", ["r1", "r2", "n1"])), k: 2);

        Assert.Equal(0.5, scores.MapAtK, 12);
        Assert.Equal(1, scores.NdcgAtK, 12);
        Assert.Equal(1, scores.PrecisionAtK, 12);
        Assert.Equal(0.5, scores.RecallAtK, 12);
    }

    [Fact]
    public void An_item_listed_twice_counts_once_and_items_past_k_not_at_all()
    {
        // list x x y, k = 2: only ranks 1-2 count, and the second x is no new hit. P = 1/2, R = 1/2.
        var scores = RankingMetrics.Score(Relevant(("u", ["x", "y"])), Ranked(("u", ["x", "x", "y"])), k: 2);

        Assert.Equal(0.5, scores.PrecisionAtK, 12);
        Assert.Equal(0.5, scores.RecallAtK, 12);
        Assert.Equal(0.5, scores.MapAtK, 12);
    }

    [Fact]
    public void Paired_ndcg_difference_and_its_standard_error_hand_computed()
    {
        // k = 1, one relevant item each, so a user's nDCG is 1 for a hit at rank 1, else 0.
        // Baseline hits a and b; candidate hits a and c, and d has no list in either: differences 0, -1, +1, 0.
        // Mean 0; sample variance (0 + 1 + 1 + 0) / 3 = 2/3; standard error sqrt(2/3 / 4).
        var relevant = Relevant(("a", ["x"]), ("b", ["x"]), ("c", ["x"]), ("d", ["x"]));
        var baseline = Ranked(("a", ["x"]), ("b", ["x"]), ("c", ["y"]));
        var candidate = Ranked(("a", ["x"]), ("b", ["y"]), ("c", ["x"]));

        var difference = RankingMetrics.CompareNdcg(relevant, baseline, candidate, k: 1);

        Assert.Equal(4, difference.Users);
        Assert.Equal(0, difference.Mean, 12);
        Assert.Equal(Math.Sqrt(2.0 / 3 / 4), difference.StandardError, 12);
        Assert.Equal(2, difference.UsersChanged);

        // The other way round the differences change sign (mean still 0); against no lists at all, two hits of four: 1/2.
        Assert.Equal(0, RankingMetrics.CompareNdcg(relevant, candidate, baseline, k: 1).Mean, 12);
        var better = RankingMetrics.CompareNdcg(relevant, Ranked(), Ranked(("a", ["x"]), ("c", ["x"])), k: 1);
        Assert.Equal(0.5, better.Mean, 12);
    }

    [Property(MaxTest = 200)]
    public bool A_list_of_exactly_the_relevant_items_scores_ndcg_one_and_every_metric_stays_in_range(byte relevantCount, byte k, int seed)
    {
        var count = relevantCount % 15 + 1;
        var cut = k % 12 + 1;
        var items = Enumerable.Range(0, count).Select(i => $"i{i}").ToArray();
        var perfect = RankingMetrics.Score(Relevant(("u", items)), Ranked(("u", items)), cut);

        var random = new Random(seed);
        var noisy = Enumerable.Range(0, 20).Select(_ => $"i{random.Next(30)}").ToArray();
        var any = RankingMetrics.Score(Relevant(("u", items)), Ranked(("u", noisy)), cut);

        return Math.Abs(perfect.NdcgAtK - 1) < 1e-12
            && new[] { any.MapAtK, any.NdcgAtK, any.PrecisionAtK, any.RecallAtK }.All(m => m is >= 0 and <= 1 + 1e-12);
    }
}
