using OrleansReco.Grains.Model;
using Xunit;

namespace OrleansReco.UnitTests;

public sealed class PrivatePopularityTests
{
    // A fixed key: the draws are the production mechanism's, and the same on every run (no flaky statistics).
    private static readonly byte[] FixedKey = Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + 3)).ToArray();

    private const int Draws = 200_000;

    private static long[] Sample(double epsilon, int sensitivity) =>
        Enumerable.Range(0, Draws).Select(i => new PopularityNoise(FixedKey, epsilon, sensitivity).For($"item-{i}")).ToArray();

    /// <summary>Kolmogorov-Smirnov distance between the draws and the two-sided geometric CDF, over every integer they reach.</summary>
    private static double KsDistance(long[] draws, double alpha)
    {
        var sorted = draws.Order().ToArray();
        var distance = 0.0;
        var below = 0;
        for (var k = sorted[0] - 1; k <= sorted[^1]; k++)
        {
            while (below < sorted.Length && sorted[below] <= k) below++;
            distance = Math.Max(distance, Math.Abs((double)below / sorted.Length - DiscreteLaplace.Cdf(k, alpha)));
        }
        return distance;
    }

    /// <param name="sensitivity">At 10 the noise is close to continuous Laplace; at 1 its discreteness dominates.</param>
    [Theory]
    [InlineData(1.0, 10)]
    [InlineData(1.0, 1)]
    [InlineData(0.5, 200)]
    public void The_noise_has_mean_zero_its_variance_and_the_two_sided_geometric_distribution(double epsilon, int sensitivity)
    {
        var draws = Sample(epsilon, sensitivity);
        var alpha = DiscreteLaplace.Alpha(epsilon, sensitivity);
        var variance = DiscreteLaplace.Variance(alpha);

        var mean = draws.Average();
        var sampleVariance = draws.Select(d => (d - mean) * (d - mean)).Sum() / (Draws - 1);

        // Allowed: five standard errors of the mean, sqrt(variance / n).
        var meanError = Math.Sqrt(variance / Draws);
        Assert.InRange(mean, -5 * meanError, 5 * meanError);
        // Standard error of the variance: variance * sqrt((kurtosis 6 - 1) / n) = 0.5%; allowed: 3%.
        Assert.InRange(sampleVariance / variance, 0.97, 1.03);
        // The 1% critical value of the KS distance at n = 200,000 is 1.63 / sqrt(n) = 0.0036.
        var ks = KsDistance(draws, alpha);
        Assert.True(ks < 0.0036, $"KS distance {ks}");
    }

    [Fact]
    public void At_a_large_scale_the_variance_is_Laplace_two_b_squared()
    {
        // b = sensitivity / epsilon = 400: 2 alpha / (1 - alpha)^2 is 2 b^2 within a millionth.
        var alpha = DiscreteLaplace.Alpha(0.5, 200);
        Assert.InRange(DiscreteLaplace.Variance(alpha) / (2 * 400.0 * 400.0), 0.999, 1.0);
    }

    [Fact]
    public void The_goodness_of_fit_test_tells_a_scale_20_percent_off()
    {
        // The same check must reject the draws against a wrong scale, or it would pass anything.
        var draws = Sample(1, 10);

        Assert.True(KsDistance(draws, DiscreteLaplace.Alpha(1, 12)) > 0.02);
        Assert.True(KsDistance(draws, DiscreteLaplace.Alpha(1, 8)) > 0.02);
    }

    [Fact]
    public void The_noise_is_fixed_for_a_snapshot_and_new_for_the_next()
    {
        var snapshot = new PopularityNoise(FixedKey, 0.5, 200);
        var again = new PopularityNoise(FixedKey, 0.5, 200);
        var next = PopularityNoise.Fresh(0.5, 200);
        var items = Enumerable.Range(0, 50).Select(i => $"item-{i}").ToList();

        Assert.Equal(items.Select(snapshot.For), items.Select(snapshot.For));
        Assert.Equal(items.Select(snapshot.For), items.Select(again.For));
        // Noise of scale 400: 50 equal draws by chance is out of the question.
        Assert.NotEqual(items.Select(snapshot.For), items.Select(next.For));
    }

    [Fact]
    public void Ranking_is_by_noisy_count_and_shows_no_count_below_zero()
    {
        var items = Enumerable.Range(0, 300).Select(i => new ItemCount($"item-{i:D3}", i % 7, i % 2 == 0 ? "even" : null)).ToList();
        var noise = new PopularityNoise(FixedKey, 1, 5);

        var ranked = PrivatePopularity.Rank(items, noise);

        Assert.Equal(items.Select(i => i.ItemId).Order(StringComparer.Ordinal), ranked.Select(r => r.ItemId).Order(StringComparer.Ordinal));
        var expected = items
            .Select(i => (i.ItemId, Noisy: i.Shoppers + noise.For(i.ItemId)))
            .OrderByDescending(x => x.Noisy).ThenBy(x => x.ItemId, StringComparer.Ordinal)
            .Select(x => new NoisyCount(x.ItemId, Math.Max(0, x.Noisy), items.Single(i => i.ItemId == x.ItemId).Category));
        Assert.Equal(expected, ranked);
        Assert.All(ranked, r => Assert.True(r.Count >= 0));
        // The counts are noisy: not the exact ones for most items.
        Assert.True(ranked.Count(r => r.Count != items.Single(i => i.ItemId == r.ItemId).Shoppers) > 150);
    }

    [Fact]
    public void One_shopper_moves_the_counts_private_lists_rank_by_at_most_the_history_limit_in_sum()
    {
        var model = new ModelOptions { HistoryLimit = 5 };
        var history = new UserHistory(HistoryPolicy.From(model));
        var t = 1_700_000_000L;
        var contributions = history.Contributions();
        // Hundreds of events over 20 items, one item hammered: the holder counts each change by at most 1 per item.
        for (var e = 0; e < 400; e++)
        {
            history.Record(e % 3 == 0 ? "hammered" : $"item-{e % 20}", e % 5 == 0 ? EventKind.Purchase : EventKind.View, t + e);
            var next = history.Contributions();
            Assert.All(ContributionPlanner.Plan(contributions, next).Values, c => Assert.InRange(c.OccurrenceDelta, -1, 1));
            contributions = next;
        }

        // Removing the shopper: the L1 change of all holder counts is at most HistoryLimit, the noise's sensitivity.
        var removal = ContributionPlanner.Plan(contributions, new Dictionary<string, PopularityContribution>());
        Assert.All(removal.Values, c => Assert.Equal(-1, c.OccurrenceDelta));
        Assert.Equal(5, removal.Values.Sum(c => Math.Abs(c.OccurrenceDelta)));
        Assert.Equal(5, PrivatePopularity.Sensitivity(model));
        // Whereas the weight exact popularity ranks by grows with every event: no bound to calibrate noise to.
        Assert.True(removal["hammered"].PopularityDeltas.Values.Sum() < -100_000);
    }

    [Fact]
    public void The_defaults_publish_exact_popularity()
    {
        var options = new PopularityPrivacyOptions();

        Assert.False(options.Enabled);
        Assert.Empty(options.Problems());
    }

    public static TheoryData<Action<PopularityPrivacyOptions>, string> Unusable => new()
    {
        { o => o.Epsilon = -1, "Reco:Privacy:Popularity:Epsilon is -1; it must be a finite number of at least 0 (0 publishes exact popularity)." },
        { o => o.Epsilon = double.NaN, "Reco:Privacy:Popularity:Epsilon is NaN; it must be a finite number of at least 0 (0 publishes exact popularity)." },
        { o => o.Epsilon = double.PositiveInfinity, "Reco:Privacy:Popularity:Epsilon is Infinity; it must be a finite number of at least 0 (0 publishes exact popularity)." },
        { o => o.Epoch = TimeSpan.Zero, "Reco:Privacy:Popularity:Epoch is 00:00:00; it must be longer than zero." },
    };

    [Theory]
    [MemberData(nameof(Unusable))]
    public void An_unusable_setting_is_named_with_its_value_and_what_it_must_be(Action<PopularityPrivacyOptions> change, string problem)
    {
        var options = new PopularityPrivacyOptions { Epsilon = 1 };
        change(options);

        Assert.Equal([problem], options.Problems());
    }

    [Fact]
    public void Epochs_are_counted_from_the_Unix_epoch_so_every_silo_agrees()
    {
        var options = new PopularityPrivacyOptions { Epoch = TimeSpan.FromHours(6) };

        Assert.Equal(0, options.EpochOf(DateTimeOffset.UnixEpoch.AddHours(5.99)));
        Assert.Equal(1, options.EpochOf(DateTimeOffset.UnixEpoch.AddHours(6)));
        Assert.Equal(4 * 365 + 1, options.EpochOf(DateTimeOffset.UnixEpoch.AddDays(365).AddHours(6)));
    }
}
