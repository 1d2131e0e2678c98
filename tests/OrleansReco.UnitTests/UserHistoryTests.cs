using Xunit;
using OrleansReco.Grains.Model;

namespace OrleansReco.UnitTests;

public sealed class UserHistoryTests
{
    private const long T0 = 1_700_000_000;
    private static readonly TimeSpan HalfLife = TimeSpan.FromDays(30);
    private static readonly HistoryPolicy Policy = new(3, TimeSpan.FromDays(90), HalfLife, new EventWeights(1, 3, 5));

    [Fact]
    public void Affinity_is_the_event_weights_decayed_by_half_life_on_event_time()
    {
        var history = new UserHistory(Policy);
        history.Record("a", EventKind.Purchase, T0);
        history.Record("a", EventKind.View, T0 + (long)HalfLife.TotalSeconds);

        var (entry, affinity) = Assert.Single(history.Ranked());
        Assert.Equal(5 * 0.5 + 1, affinity, 9);
        Assert.True(entry.Purchased);
        Assert.Equal(6000, entry.MilliWeight);
    }

    [Fact]
    public void Repeat_affinity_is_the_whole_weight_decayed_from_the_last_event()
    {
        var history = new UserHistory(Policy);
        var day = (long)TimeSpan.FromDays(1).TotalSeconds;
        // "often" bought three times long ago, "lately" once last week.
        foreach (var t in new[] { T0, T0 + day, T0 + 2 * day }) history.Record("often", EventKind.Purchase, t);
        history.Record("lately", EventKind.Purchase, T0 + 60 * day);
        var often = history.Entries.Single(e => e.ItemId == "often");
        var lately = history.Entries.Single(e => e.ItemId == "lately");
        var now = T0 + 67 * day;

        Assert.Equal(15 * 0.5, often.RepeatAffinityAt(often.LastSeen + (long)TimeSpan.FromDays(365).TotalSeconds, TimeSpan.FromDays(365)), 9);
        // On a year's half-life frequency wins; on the affinity's 30 days recency does.
        Assert.True(often.RepeatAffinityAt(now, TimeSpan.FromDays(365)) > lately.RepeatAffinityAt(now, TimeSpan.FromDays(365)));
        Assert.True(often.AffinityAt(now, HalfLife) < lately.AffinityAt(now, HalfLife));
    }

    [Fact]
    public void A_late_event_counts_as_decayed_to_the_entry_time()
    {
        var history = new UserHistory(Policy);
        history.Record("a", EventKind.View, T0 + (long)HalfLife.TotalSeconds);
        history.Record("a", EventKind.Cart, T0);

        Assert.Equal(1 + 3 * 0.5, history.Ranked()[0].Affinity, 9);
        Assert.Equal(T0, history.Entries.Single().FirstSeen);
    }

    [Fact]
    public void Beyond_the_limit_the_weakest_entries_are_evicted()
    {
        var history = new UserHistory(Policy);
        history.Record("strong", EventKind.Purchase, T0);
        history.Record("weak", EventKind.View, T0);
        history.Record("middle", EventKind.Cart, T0);

        var evicted = history.Record("newest", EventKind.View, T0 + 100);

        Assert.Equal(["weak"], evicted);
        Assert.Equal(["strong", "middle", "newest"], history.Ranked().Select(r => r.Entry.ItemId));
    }

    [Fact]
    public void The_item_just_recorded_is_kept_even_when_it_is_the_weakest()
    {
        var history = new UserHistory(Policy);
        history.Record("a", EventKind.Purchase, T0);
        history.Record("b", EventKind.Purchase, T0);
        history.Record("c", EventKind.Purchase, T0);

        var evicted = history.Record("fresh", EventKind.View, T0);

        Assert.Equal(["a"], evicted);
        Assert.Contains(history.Entries, e => e.ItemId == "fresh");
    }

    [Fact]
    public void Entries_older_than_the_maximum_age_are_evicted()
    {
        var history = new UserHistory(Policy);
        history.Record("old", EventKind.Purchase, T0);

        Assert.Equal(["old"], history.Record("new", EventKind.View, T0 + (long)TimeSpan.FromDays(91).TotalSeconds));
    }

    [Fact]
    public void Contribution_is_the_total_weight_in_the_day_of_the_last_event()
    {
        var history = new UserHistory(Policy);
        history.Record("a", EventKind.View, T0);
        history.Record("a", EventKind.Cart, T0 + 2 * EventTime.SecondsPerDay);

        Assert.Equal(new PopularityContribution(EventTime.DayOf(T0) + 2, 4000), history.Contributions()["a"]);
    }
}
