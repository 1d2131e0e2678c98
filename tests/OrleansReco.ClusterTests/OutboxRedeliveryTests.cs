using OrleansReco.Grains.Interfaces;
using OrleansReco.Testing;
using Xunit;

namespace OrleansReco.ClusterTests;

/// <summary>
/// An event is acknowledged once the user's history and outbox are durable; delivering to the items comes after.
/// When a delivery fails and the user grain goes away before a retry, the outbox stored with the history must still
/// reach every item exactly once: the next activation plans the same deltas again under the same delivery id.
/// Each test compares against a control shopper who does the same without any fault.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class OutboxRedeliveryTests(RecoClusterFixture fixture)
{
    private readonly Storefront _shop = new(fixture.Client);

    [Theory]
    [InlineData(DeliveryFault.NotApplied)]
    [InlineData(DeliveryFault.ReplyLost)]
    public async Task A_failed_delivery_reaches_the_item_exactly_once_after_the_user_grain_restarts(DeliveryFault fault)
    {
        // Same events for both shoppers, on their own items: a, b then c, d joining a history of two.
        foreach (var (user, items) in new[] { ("faulty", new[] { "a", "b", "c", "d" }), ("control", new[] { "w", "x", "y", "z" }) })
        {
            await _shop.Do(user, EventType.Purchase, items[0], items[1]);
            if (user == "faulty") fixture.Faults.Arm(_shop.Item("d"), fault);
            try
            {
                // Acknowledged although one item's delivery fails: the change is durable in the user's outbox.
                await _shop.Do(user, EventType.View, items[2], items[3]);
            }
            finally
            {
                if (user == "faulty")
                {
                    await fixture.Cluster.DeactivateAsync(_shop.UserGrain(user)); // gone before its retry timer
                    fixture.Faults.Disarm(_shop.Item("d"));
                }
            }
        }

        await _shop.UserGrain("faulty").GetContext(); // the next activation delivers what is left

        var faulty = await Counts("a", "b", "c", "d");
        var control = await Counts("w", "x", "y", "z");
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(control[i].Occurrence, faulty[i].Occurrence);
            Assert.Equal(control[i].CoOccurrence.Values.Order(), faulty[i].CoOccurrence.Values.Order());
            Assert.Equal(control[i].PopularityMilliWeights.OrderBy(kv => kv.Key), faulty[i].PopularityMilliWeights.OrderBy(kv => kv.Key));
        }
        Assert.Equal(3, faulty[3].CoOccurrence.Count);
    }

    private async Task<List<ItemCounts>> Counts(params string[] items)
    {
        var counts = new List<ItemCounts>();
        foreach (var item in items) counts.Add(await _shop.ItemGrain(item).GetCounts());
        return counts;
    }
}
