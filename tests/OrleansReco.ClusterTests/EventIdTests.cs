using OrleansReco.Grains.Interfaces;
using OrleansReco.Testing;
using Xunit;

namespace OrleansReco.ClusterTests;

/// <summary>
/// A storefront that never saw the answer to a batch sends it again. With event ids the user grain records each
/// event once, so neither the shopper's history nor any item's counts move on the retry; without ids, a repeat is
/// a new event (the control that shows the checks can see a double count).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class EventIdTests(RecoClusterFixture fixture)
{
    private readonly Storefront _shop = new(fixture.Client);

    private async Task<(IReadOnlyList<ExportedHistoryEntry> History, ItemCounts Lamp, ItemCounts Rug)> Observe(string user) =>
        ((await _shop.UserGrain(user).Export())!.History,
         await _shop.ItemGrain("lamp").GetCounts(),
         await _shop.ItemGrain("rug").GetCounts());

    [Fact]
    public async Task A_retried_batch_changes_neither_the_history_nor_the_items()
    {
        var batch = _shop.Batch("order-1", ("lamp", EventType.View), ("rug", EventType.Purchase), ("lamp", EventType.Cart));
        await _shop.UserGrain("ann").Record(batch);
        await _shop.UserGrain("ann").WaitForDeliveries();
        var first = await Observe("ann");

        await _shop.UserGrain("ann").Record(batch);
        await _shop.UserGrain("ann").WaitForDeliveries();
        var retried = await Observe("ann");

        Assert.Equal(first.History, retried.History);
        Assert.Equal(1, first.History.Single(h => h.ItemId == _shop.Item("lamp")).Views);
        AssertSameCounts(first.Lamp, retried.Lamp);
        AssertSameCounts(first.Rug, retried.Rug);
        Assert.Equal(1, retried.Lamp.Occurrence);
    }

    [Fact]
    public async Task Only_the_events_not_recorded_before_are_recorded()
    {
        var user = _shop.UserGrain("bea");
        var all = _shop.Batch("page-7", ("lamp", EventType.View), ("rug", EventType.View), ("lamp", EventType.View));
        await user.Record(all.Take(2).ToList()); // the answer to this part was lost; the storefront sends all three

        await user.Record(all);

        var history = (await user.Export())!.History;
        Assert.Equal(2, history.Single(h => h.ItemId == _shop.Item("lamp")).Views);
        Assert.Equal(1, history.Single(h => h.ItemId == _shop.Item("rug")).Views);
    }

    [Fact]
    public async Task The_ids_are_remembered_across_a_reactivation()
    {
        var user = _shop.UserGrain("cy");
        var batch = _shop.Batch("checkout-3", ("lamp", EventType.Purchase));
        await user.Record(batch);
        await fixture.Cluster.DeactivateAsync(user);

        await user.Record(batch);

        Assert.Equal(1, Assert.Single((await user.Export())!.History).Purchases);
    }

    [Fact]
    public async Task A_batch_that_failed_before_it_was_stored_is_recorded_when_sent_again()
    {
        // A new shopper, so that no write of the grain's own (dropping delivered changes) takes the armed failure.
        var user = _shop.UserGrain("fay");
        var second = _shop.Batch("second", ("rug", EventType.Purchase), ("lamp", EventType.View));
        fixture.StorageFaults.FailStateWrites(_shop.User("fay"));

        // The write fails, so the batch is not acknowledged, and nothing of it (its ids included) may count as recorded.
        await Assert.ThrowsAsync<OrleansException>(() => user.Record(second)); // Orleans wraps what storage threw
        await user.Record(second);

        Assert.Equal(1, (await user.Export())!.History.Single(h => h.ItemId == _shop.Item("rug")).Purchases);
        await user.WaitForDeliveries();
        Assert.Equal(1, (await _shop.ItemGrain("rug").GetCounts()).Occurrence);
    }

    [Fact]
    public async Task Without_ids_a_repeated_batch_is_recorded_again()
    {
        var user = _shop.UserGrain("dee");
        var batch = _shop.Batch(null, ("lamp", EventType.View));

        await user.Record(batch);
        await user.Record(batch);

        Assert.Equal(2, Assert.Single((await user.Export())!.History).Views);
    }

    [Fact]
    public async Task Withdrawing_consent_forgets_the_ids_with_the_history()
    {
        var user = _shop.UserGrain("eli");
        var batch = _shop.Batch("visit-1", ("lamp", EventType.View));
        await user.Record(batch);

        await user.SetConsent(false);
        await user.SetConsent(true);
        await user.Record(batch);

        Assert.Equal(1, Assert.Single((await user.Export())!.History).Views);
        await user.Record(batch);
        Assert.Equal(1, Assert.Single((await user.Export())!.History).Views);
    }

    private static void AssertSameCounts(ItemCounts expected, ItemCounts actual)
    {
        Assert.Equal(expected.Occurrence, actual.Occurrence);
        Assert.Equal(expected.CoOccurrence.OrderBy(kv => kv.Key), actual.CoOccurrence.OrderBy(kv => kv.Key));
        Assert.Equal(expected.PopularityMilliWeights.OrderBy(kv => kv.Key), actual.PopularityMilliWeights.OrderBy(kv => kv.Key));
    }
}
