using OrleansReco.Grains.Model;
using Xunit;

namespace OrleansReco.UnitTests;

public sealed class ItemAggregatesTests
{
    [Fact]
    public void Each_co_item_change_is_heard_with_the_count_it_left_and_zero_removes_it()
    {
        var aggregates = new ItemAggregates();
        aggregates.Apply(1, [KeyValuePair.Create("a", 2), KeyValuePair.Create("b", 1)], []);
        var heard = new List<(string, int)>();

        aggregates.Apply(0, [KeyValuePair.Create("a", 1), KeyValuePair.Create("b", -1), KeyValuePair.Create("c", 4)], [],
            (item, count) => heard.Add((item, count)));

        Assert.Equal([("a", 3), ("b", 0), ("c", 4)], heard);
        Assert.Equal(new Dictionary<string, int> { ["a"] = 3, ["c"] = 4 }, aggregates.CoOccurrence);
    }
}
