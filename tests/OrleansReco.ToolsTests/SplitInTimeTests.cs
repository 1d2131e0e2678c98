using OrleansReco.Tools.Evaluation;
using OrleansReco.Tools.Synthetic;
using Xunit;

namespace OrleansReco.ToolsTests;

public sealed class SplitInTimeTests
{
    private static StorefrontEvent At(string user, int day) =>
        new(user, "item", StorefrontEventType.Purchase, new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(day));

    [Fact]
    public void Test_events_after_each_users_training_are_a_split_in_time_even_when_users_overlap_in_time()
    {
        // u1's history ends on day 10 and u2's on day 30; u1's test on day 20 is after u1's training.
        StorefrontEvent[] train = [At("u1", 1), At("u1", 10), At("u2", 5), At("u2", 30)];
        Assert.True(SplitInTime.IsSplitInTime(train, [At("u1", 20), At("u2", 31), At("stranger", 0)]));
    }

    [Fact]
    public void Test_events_mostly_older_than_their_users_newest_training_event_are_a_random_split()
    {
        StorefrontEvent[] train = [At("u1", 1), At("u1", 10), At("u2", 5), At("u2", 30)];
        Assert.False(SplitInTime.IsSplitInTime(train, [At("u1", 5), At("u2", 10), At("u2", 31)]));
        // Half older is still counted as in time: only a majority says random.
        Assert.True(SplitInTime.IsSplitInTime(train, [At("u1", 5), At("u2", 31)]));
    }
}
