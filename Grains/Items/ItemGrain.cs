using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansReco.Grains.Hosting;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;
using OrleansReco.Grains.Storage;

namespace OrleansReco.Grains.Items;

/// <summary>
/// One product: catalogue data, aggregates over all current histories, and its neighbourhood, recomputed on read
/// when older than <see cref="ModelOptions.NeighbourhoodMaxAge"/>. Reentrant so that many users' changes share one
/// state write; every mutation happens between awaits, on the grain's single thread.
/// </summary>
[Reentrant]
public sealed class ItemGrain(
    [PersistentState("item", RecoStorage.State)] IPersistentState<ItemState> state,
    IOptions<ModelOptions> options) : Grain, IItemGrain
{
    /// <summary>How many delivery ids are remembered: a redelivery arrives long before this many others.</summary>
    private const int RememberedDeliveries = 1024;

    private readonly ModelOptions _options = options.Value;
    private ItemAggregates _aggregates = null!;
    private HashSet<Guid> _recent = null!;
    private CoalescingStateWriter _writer = null!;
    private ItemNeighbourhoodCache _neighbourhood = null!;

    private string ItemId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _aggregates = new ItemAggregates(state.State.Occurrence, state.State.CoOccurrence, state.State.PopularityMilliWeights);
        _recent = [.. state.State.RecentDeliveries];
        _writer = new CoalescingStateWriter(() => state.WriteStateAsync(), onFailure: DeactivateOnIdle);
        _neighbourhood = new ItemNeighbourhoodCache(_options, GrainFactory);
        return Task.CompletedTask;
    }

    public async Task Upsert(ItemDetails details)
    {
        state.State.Details = details;
        state.State.Version++;
        await _writer.WriteAsync();
        await ReportStats();
    }

    public Task<ItemDetails?> GetDetails() => Task.FromResult(state.State.Details);

    public async Task Apply(ItemContribution contribution)
    {
        if (_recent.Contains(contribution.DeliveryId))
        {
            // Applied before; the sender did not hear back. Make sure what followed the first time happens too.
            await _writer.WriteAsync();
            await ReportStats();
            return;
        }

        var statsChanged = _aggregates.Apply(
            contribution.OccurrenceDelta,
            contribution.CoItems.Select(c => KeyValuePair.Create(c.ItemId, c.Delta)),
            contribution.Popularity.Select(p => KeyValuePair.Create(p.Day, p.MilliWeight)));
        Remember(contribution.DeliveryId);
        state.State.Occurrence = _aggregates.Occurrence;
        state.State.Version++;

        await _writer.WriteAsync();
        if (statsChanged)
        {
            await ReportStats();
        }
    }

    public async Task<IReadOnlyList<Neighbour>> GetNeighbours(int count)
    {
        var neighbours = await _neighbourhood.Get(_aggregates);
        return neighbours
            .Take(count)
            .Select(n => new Neighbour(n.ItemId, n.Similarity, n.Support, n.Category, Available: true))
            .ToList();
    }

    public Task<ItemCounts> GetCounts() => Task.FromResult(new ItemCounts(
        _aggregates.Occurrence,
        new Dictionary<string, int>(_aggregates.CoOccurrence),
        new Dictionary<int, long>(_aggregates.PopularityMilliWeights)));

    private void Remember(Guid deliveryId)
    {
        _recent.Add(deliveryId);
        var remembered = state.State.RecentDeliveries;
        remembered.Add(deliveryId);
        if (remembered.Count > RememberedDeliveries)
        {
            _recent.Remove(remembered[0]);
            remembered.RemoveAt(0);
        }
    }

    private Task ReportStats()
    {
        var details = state.State.Details;
        var stats = new ItemStats(
            ItemId,
            state.State.Version,
            _aggregates.Occurrence,
            _aggregates.PopularityLog2(_options.HalfLife),
            _aggregates.NewestDay,
            details?.Category,
            details?.Available ?? true);
        return GrainFactory
            .GetGrain<IItemIndexShardGrain>(ShardPlacement.Shard(ItemId, _options.IndexShards))
            .Report(stats);
    }
}
