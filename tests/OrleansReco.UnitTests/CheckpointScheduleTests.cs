using OrleansReco.Grains.Storage;
using Xunit;

namespace OrleansReco.UnitTests;

public class CheckpointScheduleTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static readonly DateTimeOffset Boundary = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0.0, 0, 2000)]
    [InlineData(0.0, 600, 1400)]
    [InlineData(0.25, 0, 500)]
    [InlineData(0.25, 499, 1)]
    [InlineData(0.25, 500, 2000)]
    [InlineData(0.25, 600, 1900)]
    [InlineData(0.75, 1999, 1501)]
    public void A_checkpoint_is_due_at_the_grains_phase_of_the_interval(double phase, int msPastBoundary, int dueMs)
    {
        var phaseTicks = (long)(Interval.Ticks * phase);

        var due = CheckpointSchedule.DueIn(Boundary.AddMilliseconds(msPastBoundary), Interval, phaseTicks);

        Assert.Equal(TimeSpan.FromMilliseconds(dueMs), due);
    }

    [Fact]
    public void Without_an_interval_a_checkpoint_is_due_at_once() =>
        Assert.Equal(TimeSpan.Zero, CheckpointSchedule.DueIn(Boundary.AddMilliseconds(700), TimeSpan.Zero, 0));

    [Fact]
    public void Owners_of_one_partition_share_a_phase_and_the_partitions_spread_over_the_interval()
    {
        const int partitions = 64;
        var owners = Enumerable.Range(0, 1000).Select(i => new RowOwner("item", $"item-{i:D4}")).ToList();

        foreach (var sameBucket in owners.GroupBy(o => AzureTableAggregateRowStore.Bucket(o, partitions)))
        {
            Assert.Single(sameBucket.Select(o => AzureTableAggregateRowStore.Phase(o, partitions)).Distinct());
        }
        var phases = owners.Select(o => AzureTableAggregateRowStore.Phase(o, partitions)).ToHashSet();
        Assert.All(phases, p => Assert.InRange(p, 0.0, (partitions - 1.0) / partitions));
        Assert.Equal(partitions, phases.Count);
    }
}
