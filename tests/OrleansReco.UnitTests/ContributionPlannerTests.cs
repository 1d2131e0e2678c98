using Xunit;
using OrleansReco.Grains.Model;

namespace OrleansReco.UnitTests;

public sealed class ContributionPlannerTests
{
    private static Dictionary<string, PopularityContribution> History(params (string Item, int Day, long Weight)[] entries) =>
        entries.ToDictionary(e => e.Item, e => new PopularityContribution(e.Day, e.Weight));

    [Fact]
    public void A_new_item_pairs_with_every_item_already_held()
    {
        var plan = ContributionPlanner.Plan(History(("a", 1, 1000), ("b", 1, 1000)), History(("a", 1, 1000), ("b", 1, 1000), ("c", 2, 5000)));

        Assert.Equal(1, plan["c"].OccurrenceDelta);
        Assert.Equal(new Dictionary<string, int> { ["a"] = 1, ["b"] = 1 }, plan["c"].CoItemDeltas);
        Assert.Equal(new Dictionary<int, long> { [2] = 5000 }, plan["c"].PopularityDeltas);
        Assert.Equal(new Dictionary<string, int> { ["c"] = 1 }, plan["a"].CoItemDeltas);
        Assert.Equal(0, plan["a"].OccurrenceDelta);
        Assert.Empty(plan["a"].PopularityDeltas);
    }

    [Fact]
    public void A_repeat_event_moves_only_the_popularity_contribution()
    {
        var plan = ContributionPlanner.Plan(History(("a", 1, 1000), ("b", 1, 1000)), History(("a", 3, 4000), ("b", 1, 1000)));

        var change = Assert.Single(plan).Value;
        Assert.Equal(0, change.OccurrenceDelta);
        Assert.Empty(change.CoItemDeltas);
        Assert.Equal(new Dictionary<int, long> { [1] = -1000, [3] = 4000 }, change.PopularityDeltas);
    }

    [Fact]
    public void An_eviction_and_an_addition_in_one_batch_net_out()
    {
        var plan = ContributionPlanner.Plan(History(("a", 1, 1000), ("b", 1, 1000)), History(("b", 1, 1000), ("c", 2, 1000)));

        Assert.Equal(new Dictionary<string, int> { ["c"] = 1, ["a"] = -1 }, plan["b"].CoItemDeltas);
        Assert.Equal(-1, plan["a"].OccurrenceDelta);
        Assert.Equal(new Dictionary<string, int> { ["b"] = -1 }, plan["a"].CoItemDeltas);
        Assert.Equal(new Dictionary<string, int> { ["b"] = 1 }, plan["c"].CoItemDeltas);
    }

    [Fact]
    public void No_change_plans_nothing()
    {
        Assert.Empty(ContributionPlanner.Plan(History(("a", 1, 1000)), History(("a", 1, 1000))));
    }
}
