using OrleansReco.Grains.Interfaces;
using OrleansReco.Testing;
using Xunit;

namespace OrleansReco.ClusterTests;

/// <summary>
/// An event is acknowledged once the user's history and outbox are durable; delivering to the items comes after, and
/// counts as done only once each item's checkpoint holds it. Whatever fails on the way (the item never gets the
/// change, gets it and the reply is lost, takes it and loses it in a failed checkpoint, or the user grain goes away
/// before its retry), every change reaches every item exactly once. Each test compares against a control shopper who
/// does the same without any fault.
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
                await _shop.Record(user, EventType.View, items[2], items[3]);
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

        await _shop.UserGrain("faulty").WaitForDeliveries(); // the next activation delivers what is left
        await _shop.UserGrain("control").WaitForDeliveries();

        await AssertSameCounts(["a", "b", "c", "d"], ["w", "x", "y", "z"]);
        Assert.Equal(3, (await _shop.ItemGrain("d").GetCounts()).CoOccurrence.Count);
    }

    [Fact]
    public async Task Events_are_acknowledged_and_recorded_while_an_earlier_change_of_the_shopper_cannot_be_delivered()
    {
        await _shop.Do("control", EventType.View, "w");
        await _shop.Do("control", EventType.View, "x");
        await _shop.Do("control", EventType.View, "y");

        await _shop.Do("stuck", EventType.View, "a");
        fixture.Faults.Arm(_shop.Item("b"), DeliveryFault.NotApplied);
        try
        {
            await _shop.Record("stuck", EventType.View, "b");
            // Never refused nor held back by the delivery that keeps failing: recorded and visible to the shopper at once.
            await _shop.Record("stuck", EventType.View, "c");
            var history = (await _shop.UserGrain("stuck").GetContext()).History.Select(h => _shop.Name(h.ItemId));
            Assert.Equal(["a", "b", "c"], history.Order());
        }
        finally
        {
            fixture.Faults.Disarm(_shop.Item("b"));
        }

        await _shop.UserGrain("stuck").WaitForDeliveries();
        await AssertSameCounts(["a", "b", "c"], ["w", "x", "y"]);
    }

    [Fact]
    public async Task A_checkpoint_that_fails_loses_nothing_and_applies_nothing_twice()
    {
        await _shop.Do("control", EventType.Cart, "w", "x");
        await _shop.Do("control", EventType.Purchase, "y");

        await _shop.Do("faulty", EventType.Cart, "a", "b");
        // The item takes the change in memory, then fails to write it: it deactivates and its senders deliver again.
        fixture.StorageFaults.FailItemCheckpoints(_shop.Item("c"));
        await _shop.Record("faulty", EventType.Purchase, "c");
        await _shop.UserGrain("faulty").WaitForDeliveries();
        Assert.False(fixture.StorageFaults.ItemCheckpointFailuresLeft(_shop.Item("c")), "the armed checkpoint failure was never hit");

        await AssertSameCounts(["a", "b", "c"], ["w", "x", "y"]);
        // And it is what storage holds: a fresh activation reads the same.
        await fixture.Cluster.DeactivateAsync(_shop.ItemGrain("c"));
        await AssertSameCounts(["c"], ["y"]);
    }

    [Fact]
    public async Task Changes_of_one_shopper_in_flight_together_each_arrive_once_after_a_restart()
    {
        foreach (var item in new[] { "w", "x", "y", "z" }) await _shop.Do("control", EventType.View, item);

        fixture.Faults.Arm(_shop.Item("a"), DeliveryFault.ReplyLost);
        try
        {
            foreach (var item in new[] { "a", "b", "c", "d" }) await _shop.Record("faulty", EventType.View, item);
        }
        finally
        {
            await fixture.Cluster.DeactivateAsync(_shop.UserGrain("faulty"));
            fixture.Faults.Disarm(_shop.Item("a"));
        }

        // The outbox holds the changes from the first undelivered one on; all of them go again, and each item
        // recognises what it already holds.
        await _shop.UserGrain("faulty").WaitForDeliveries();
        await AssertSameCounts(["a", "b", "c", "d"], ["w", "x", "y", "z"]);
    }

    private async Task AssertSameCounts(string[] faulty, string[] control)
    {
        for (var i = 0; i < faulty.Length; i++)
        {
            var (actual, expected) = (await _shop.ItemGrain(faulty[i]).GetCounts(), await _shop.ItemGrain(control[i]).GetCounts());
            Assert.Equal(expected.Occurrence, actual.Occurrence);
            Assert.Equal(expected.CoOccurrence.Values.Order(), actual.CoOccurrence.Values.Order());
            Assert.Equal(expected.PopularityMilliWeights.Values.Order(), actual.PopularityMilliWeights.Values.Order());
        }
    }
}
