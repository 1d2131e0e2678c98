using OrleansReco.Grains.Interfaces;
using Xunit;

namespace OrleansReco.ClusterTests;

[Collection(ClusterCollection.Name)]
public sealed class PrivacyTests(RecoClusterFixture fixture)
{
    private readonly Storefront _shop = new(fixture.Client);

    private static ErasureRequest NewErasure() => new(Guid.NewGuid(), "salt", "hash");

    [Fact]
    public async Task Export_returns_profile_consent_and_history()
    {
        await _shop.UserGrain("ann").SetProfile(new Dictionary<string, string> { ["size"] = "M" });
        await _shop.Do("ann", EventType.Purchase, "tent");
        await _shop.Do("ann", EventType.View, "tent");

        var export = await _shop.UserGrain("ann").Export();

        Assert.NotNull(export);
        Assert.Equal("M", export.Profile["size"]);
        Assert.True(export.Personalization);
        var entry = Assert.Single(export.History);
        Assert.Equal((_shop.Item("tent"), 1, 1), (entry.ItemId, entry.Views, entry.Purchases));
        Assert.True(entry.LastSeen >= entry.FirstSeen);
    }

    [Fact]
    public async Task Nothing_held_exports_as_nothing()
    {
        Assert.Null(await _shop.UserGrain("stranger").Export());
    }

    [Fact]
    public async Task Withdrawn_consent_records_nothing_and_withdraws_the_history_from_the_counts()
    {
        await _shop.Do("bo", EventType.View, "a", "b");
        await _shop.UserGrain("bo").SetConsent(false);
        await _shop.Do("bo", EventType.View, "c");

        var context = await _shop.UserGrain("bo").GetContext();
        Assert.False(context.Personalization);
        Assert.Empty(context.History);
        Assert.Equal(0, (await _shop.ItemGrain("a").GetCounts()).Occurrence);
        Assert.Equal(0, (await _shop.ItemGrain("c").GetCounts()).Occurrence);
        var result = await _shop.Recommender.Recommend(_shop.User("bo"), new RecommendationRequest(3, false, null, []));
        Assert.False(result.Personalized);

        await _shop.UserGrain("bo").SetConsent(true);
        await _shop.Do("bo", EventType.View, "d");
        Assert.Equal([_shop.Item("d")], (await _shop.UserGrain("bo").GetContext()).History.Select(h => h.ItemId));
    }

    [Fact]
    public async Task Erasure_removes_everything_writes_a_receipt_and_a_later_event_starts_afresh()
    {
        await _shop.UserGrain("cy").SetProfile(new Dictionary<string, string> { ["city"] = "Leeds" });
        foreach (var user in new[] { "cy", "u1", "u2" }) await _shop.Do(user, EventType.View, "p", "q");
        var request = NewErasure();

        var receipt = await _shop.UserGrain("cy").Erase(request);

        Assert.Equal((request.ReceiptId, request.Hash, 2), (receipt.ReceiptId, receipt.Hash, receipt.HistoryItemsRetracted));
        Assert.Equal(receipt, await fixture.Client.GetGrain<IErasureReceiptGrain>(request.ReceiptId).Get());
        Assert.Null(await _shop.UserGrain("cy").Export());
        Assert.Equal(2, (await _shop.ItemGrain("p").GetCounts()).Occurrence);
        Assert.Equal(2, (await _shop.ItemGrain("p").GetCounts()).CoOccurrence[_shop.Item("q")]);

        var again = await _shop.UserGrain("cy").Erase(NewErasure());
        Assert.Equal(0, again.HistoryItemsRetracted);

        await _shop.Do("cy", EventType.View, "r");
        var fresh = await _shop.UserGrain("cy").Export();
        Assert.NotNull(fresh);
        Assert.Empty(fresh.Profile);
        Assert.Equal([_shop.Item("r")], fresh.History.Select(h => h.ItemId));
    }

    [Fact]
    public async Task Erasure_costs_a_few_item_calls_per_history_item_and_the_counter_sees_them()
    {
        await _shop.Do("di", EventType.View, "e1", "e2", "e3", "e4", "e5");

        var (receipt, calls) = await fixture.Calls.Trace(() => _shop.UserGrain("di").Erase(NewErasure()));

        Assert.Equal(5, receipt.HistoryItemsRetracted);
        Assert.True(calls.GetValueOrDefault("IUserGrain.Erase") == 1, string.Join(", ", calls));
        // Each item gets the retraction; the words to forget its id (and perhaps that of the change that recorded the
        // events) follow the receipt, so this trace sees some of them or none. The erasure waits once for each item's
        // checkpoint, and each item for its index shard's.
        Assert.InRange(calls.GetValueOrDefault("IItemGrain.Apply"), 5, 15);
        Assert.InRange(calls.GetValueOrDefault("ICheckpointedGrain.WaitDurable"), 5, 10);
        Assert.Equal(1, calls.GetValueOrDefault("IErasureReceiptGrain.Record"));
    }

    [Fact]
    public async Task Events_racing_an_erasure_never_bring_the_erased_history_back()
    {
        await _shop.Do("ed", EventType.Purchase, "old-1", "old-2", "old-3");

        // The erasure and a burst of events for the same shopper, all in flight at once.
        var racing = Enumerable.Range(0, 20).Select(n => _shop.Do("ed", EventType.View, $"new-{n % 4}")).ToList();
        await Task.WhenAll(racing.Append(_shop.UserGrain("ed").Erase(NewErasure())));

        var history = (await _shop.UserGrain("ed").Export())?.History.Select(h => h.ItemId).ToHashSet() ?? [];
        Assert.DoesNotContain(history, item => item.Contains("old-", StringComparison.Ordinal));
        foreach (var item in new[] { "old-1", "old-2", "old-3" })
        {
            Assert.Equal(0, (await _shop.ItemGrain(item).GetCounts()).Occurrence);
        }
        // Whatever arrived after the erasure is a new shopper's history, and the items count exactly that.
        for (var n = 0; n < 4; n++)
        {
            var occurrence = (await _shop.ItemGrain($"new-{n}").GetCounts()).Occurrence;
            Assert.Equal(history.Contains(_shop.Item($"new-{n}")) ? 1 : 0, occurrence);
        }
    }
}
