using Azure.Data.Tables;
using Orleans.TestingHost;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Testing;

namespace OrleansReco.StorageTests;

/// <summary>
/// The real grains on Azurite, as the silo host configures them: an item's aggregates have no size cliff. Once, 15
/// shoppers who each viewed one item and 199 others with 128-character ids pushed that item's row past the entity
/// limit, and from then on their events answered errors and their erasures failed. Now the map is stored over as many
/// rows as it needs, and so is a best-seller co-bought with 100,000 other items.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AggregateSizeTests(AzuriteServer azurite) : IAsyncLifetime
{
    private const string AggregateTable = "SizeAggregates"; // AzureStorageCluster names it after the prefix
    private InProcessTestCluster _cluster = null!;

    private IGrainFactory Grains => _cluster.Client;

    public async Task InitializeAsync() => _cluster = await AzureStorageCluster.StartAsync(azurite, "Size", silos: 2,
        new Dictionary<string, string?> { ["Reco:Delivery:CheckpointInterval"] = "00:00:00.200" });

    [Fact]
    public async Task Shoppers_of_long_ids_who_push_an_item_past_one_row_go_on_recording_and_are_erased()
    {
        var prefix = Guid.NewGuid().ToString("N")[..8];
        var shared = $"{prefix}-shared";
        string LongId(int shopper, int n) => $"{prefix}-{shopper:D2}-{n:D3}-".PadRight(128, 'x');
        var shoppers = Enumerable.Range(0, 15).Select(s => $"{prefix}-shopper-{s}").ToList();
        var start = DateTimeOffset.UtcNow.AddDays(-1);

        for (var s = 0; s < shoppers.Count; s++)
        {
            var events = Enumerable.Range(0, 199).Select(n => LongId(s, n)).Prepend(shared)
                .Select((item, n) => new BehaviourEvent(item, EventType.View, start.AddSeconds(n))).ToList();
            await Grains.GetGrain<IUserGrain>(shoppers[s]).Record(events);
        }
        await Task.WhenAll(shoppers.Select(s => Grains.GetGrain<IUserGrain>(s).WaitForDeliveries()));
        Assert.Equal(15 * 199, (await Grains.GetGrain<IItemGrain>(shared).GetCounts()).CoOccurrence.Count);
        Assert.True(await LargestRowOf(shared) > 0, "the shared item's rows were not found");
        Assert.True(await RowsOf(shared) > 2, "the shared item's co-occurrence map should span several rows");

        // Read back from storage, then the shoppers go on and are erased one by one.
        await _cluster.DeactivateAsync(Grains.GetGrain<IItemGrain>(shared));
        Assert.Equal(15 * 199, (await Grains.GetGrain<IItemGrain>(shared).GetCounts()).CoOccurrence.Count);
        await Grains.GetGrain<IUserGrain>(shoppers[0]).Record([new BehaviourEvent(shared, EventType.Purchase, start.AddHours(1))]);
        foreach (var shopper in shoppers)
        {
            var receipt = await Grains.GetGrain<IUserGrain>(shopper).Erase(new ErasureRequest(Guid.NewGuid(), "salt", "hash"));
            Assert.Equal(200, receipt.HistoryItemsRetracted);
        }

        var after = await Grains.GetGrain<IItemGrain>(shared).GetCounts();
        Assert.Equal((0, 0), (after.Occurrence, after.CoOccurrence.Count));
        await _cluster.DeactivateAsync(Grains.GetGrain<IItemGrain>(shared));
        Assert.Empty((await Grains.GetGrain<IItemGrain>(shared).GetCounts()).CoOccurrence);
    }

    [Fact]
    public async Task A_best_seller_co_bought_with_100000_items_is_stored_and_read_back()
    {
        var item = Grains.GetGrain<IItemGrain>($"{Guid.NewGuid():N}-best-seller");
        var coItems = Enumerable.Range(0, 100_000).Select(i => $"co-item-{i:D6}").ToList();
        CheckpointReceipt receipt = null!;
        foreach (var chunk in coItems.Chunk(5_000))
        {
            var contribution = new ItemContribution(Guid.NewGuid(), 1, chunk.ToDictionary(c => c, _ => 1), [new PopularityDelta(20_000, 1000)]);
            receipt = await item.Apply([contribution], []);
        }
        await item.WaitDurable(receipt, urgent: false);
        // Then a busy shop's changes: a few co-items at a time.
        for (var round = 0; round < 5; round++)
        {
            var contribution = new ItemContribution(Guid.NewGuid(), 0, coItems.Skip(round * 7).Take(7).ToDictionary(c => c, _ => 1), []);
            await item.WaitDurable(await item.Apply([contribution], []), urgent: false);
        }
        var before = await item.GetCounts();

        await _cluster.DeactivateAsync(item);
        var after = await item.GetCounts();

        Assert.Equal(100_000, after.CoOccurrence.Count);
        Assert.Equal(before.CoOccurrence.OrderBy(kv => kv.Key), after.CoOccurrence.OrderBy(kv => kv.Key));
        Assert.Equal((before.Occurrence, 2), (after.Occurrence, after.CoOccurrence[coItems[0]]));
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private async Task<int> RowsOf(string itemId) => (await Rows(itemId)).Count;

    private async Task<long> LargestRowOf(string itemId) =>
        (await Rows(itemId)).Select(e => e.Keys.Where(k => k.StartsWith("Data", StringComparison.Ordinal)).Sum(k => ((byte[])e[k]).LongLength)).DefaultIfEmpty(0).Max();

    /// <summary>The item's rows, found by the item id in their row keys (any partition).</summary>
    private async Task<List<TableEntity>> Rows(string itemId)
    {
        var rows = new List<TableEntity>();
        await foreach (var entity in new TableClient(azurite.ConnectionString, AggregateTable).QueryAsync<TableEntity>())
        {
            if (entity.RowKey.StartsWith("item|" + itemId + "|", StringComparison.Ordinal)) rows.Add(entity);
        }
        return rows;
    }
}
