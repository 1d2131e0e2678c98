using OrleansReco.Grains.Model;
using Xunit;

namespace OrleansReco.UnitTests;

public sealed class TrainingScheduleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Every = TimeSpan.FromHours(6);
    private static readonly TimeSpan Check = TimeSpan.FromMinutes(1);

    [Theory]
    [InlineData(null, false, true)]          // never tried: at once
    [InlineData(5.9 * 60, false, false)]     // minutes since the last attempt
    [InlineData(6.0 * 60, false, true)]
    [InlineData(0.5, true, false)]           // an erasure, but a training started half a minute ago
    [InlineData(1.0, true, true)]            // an erasure, a check period later
    public void Due_on_the_schedule_and_after_an_erasure_at_most_once_a_check(double? minutesSinceLast, bool retracted, bool due)
    {
        DateTimeOffset? last = minutesSinceLast is { } m ? Now - TimeSpan.FromMinutes(m) : null;
        Assert.Equal(due, TrainingSchedule.IsDue(Now, last, retracted, Every, Check));
    }

    [Fact]
    public void With_no_schedule_only_an_erasure_makes_a_training_due()
    {
        Assert.False(TrainingSchedule.IsDue(Now, Now.AddDays(-30), retractedSinceTraining: false, TimeSpan.Zero, Check));
        Assert.True(TrainingSchedule.IsDue(Now, Now.AddDays(-30), retractedSinceTraining: true, TimeSpan.Zero, Check));
    }

    [Theory]
    [InlineData(null, 5 + 20 + 10)]   // idle: the delay, one training, the silos' refresh
    [InlineData(-20.0, 5 + 20 + 10)]  // a training that ends before the retraining is due changes nothing
    [InlineData(-2.0, 18 + 20 + 10)]  // one that ends after it: the retraining follows it (2 s ago + 20 s)
    public void The_model_is_clean_one_training_and_one_refresh_after_the_retraining_can_start(double? runningSinceSeconds, double cleanInSeconds)
    {
        DateTimeOffset? runningSince = runningSinceSeconds is { } s ? Now.AddSeconds(s) : null;
        var cleanBy = TrainingSchedule.ModelCleanBy(Now.AddSeconds(5), runningSince, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(10));
        Assert.Equal(Now.AddSeconds(cleanInSeconds), cleanBy);
    }
}
