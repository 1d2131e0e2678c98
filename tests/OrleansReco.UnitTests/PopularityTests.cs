using Xunit;
using FsCheck.Xunit;
using OrleansReco.Grains.Model;

namespace OrleansReco.UnitTests;

public sealed class PopularityTests
{
    private static readonly TimeSpan HalfLife = TimeSpan.FromDays(30);

    [Fact]
    public void Log_domain_sum_matches_the_direct_decayed_sum()
    {
        var buckets = new Dictionary<int, long> { [19_000] = 2000, [19_030] = 1000 };

        var log2 = PopularityMath.Log2Sum(buckets, HalfLife);

        Assert.Equal(2 * 0.5 + 1, PopularityMath.ScoreAt(log2, 19_030, HalfLife), 9);
    }

    [Fact]
    public void Nothing_scores_zero()
    {
        Assert.Equal(0, PopularityMath.ScoreAt(PopularityMath.Log2Sum([], HalfLife), 19_000, HalfLife));
    }

    [Fact]
    public void Decades_of_buckets_do_not_overflow()
    {
        var buckets = new Dictionary<int, long> { [0] = 1000, [40_000] = 1000 };

        var log2 = PopularityMath.Log2Sum(buckets, TimeSpan.FromDays(1));

        Assert.True(double.IsFinite(log2));
        Assert.Equal(1, PopularityMath.ScoreAt(log2, 40_000, TimeSpan.FromDays(1)), 9);
    }

    [Property(MaxTest = 200)]
    public bool Adding_then_retracting_restores_the_exact_buckets(byte[] days, long weight)
    {
        var aggregates = new ItemAggregates();
        var initial = days.Select((d, i) => KeyValuePair.Create((int)d, (long)(i + 1) * 1000)).ToList();
        aggregates.Apply(0, [], initial);
        var snapshot = new Dictionary<int, long>(aggregates.PopularityMilliWeights);

        var delta = days.Select(d => KeyValuePair.Create((int)d, weight)).ToList();
        aggregates.Apply(0, [], delta);
        aggregates.Apply(0, [], delta.Select(kv => KeyValuePair.Create(kv.Key, -kv.Value)));

        return snapshot.Count == aggregates.PopularityMilliWeights.Count
            && snapshot.All(kv => aggregates.PopularityMilliWeights[kv.Key] == kv.Value);
    }
}
