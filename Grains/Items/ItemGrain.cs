using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansReco.Grains.Hosting;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;
using OrleansReco.Grains.Storage;

namespace OrleansReco.Grains.Items;

/// <summary>
/// One product: catalogue data, aggregates over all current histories, and its neighbourhood, recomputed on read
/// when older than <see cref="ModelOptions.NeighbourhoodMaxAge"/> and anything it depends on changed. Reentrant so
/// that many users' changes share one state write; every mutation happens between awaits, on the grain's single thread.
/// </summary>
[Reentrant]
public sealed class ItemGrain(
    [PersistentState("item", RecoStorage.State)] IPersistentState<ItemState> head,
    [PersistentState("item-snapshot", RecoStorage.State)] IPersistentState<ItemState> snapshot,
    IOptions<ModelOptions> options,
    PerTargetBatcher<int, ItemStats> indexReports) : Grain, IItemGrain
{
    /// <summary>How many delivery ids are remembered: a redelivery arrives long before this many others.</summary>
    private const int RememberedDeliveries = 1024;

    private readonly ModelOptions _options = options.Value;
    private readonly SnapshottedState<ItemState, string, int> _stored = new(head, snapshot);
    private ItemAggregates _aggregates = null!;
    private HashSet<Guid> _recent = null!;
    private CoalescingStateWriter _writer = null!;
    private ItemNeighbourhoodCache _neighbourhood = null!;

    private string ItemId => this.GetPrimaryKeyString();

    private ItemState State => _stored.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _stored.Restore();
        _aggregates = new ItemAggregates(State.Occurrence, _stored.Map.Current, State.PopularityMilliWeights);
        _recent = [.. State.RecentDeliveries];
        _writer = new CoalescingStateWriter(_stored.WriteAsync, onFailure: DeactivateOnIdle);
        _neighbourhood = new ItemNeighbourhoodCache(_options, GrainFactory);
        return Task.CompletedTask;
    }

    public async Task Upsert(ItemDetails details)
    {
        State.Details = details;
        State.Version++;
        await _writer.WriteAsync();
        await ReportStats();
    }

    public Task<ItemDetails?> GetDetails() => Task.FromResult(State.Details);

    public async Task Apply(IReadOnlyList<ItemContribution> contributions)
    {
        var statsChanged = false;
        var redelivered = false;
        foreach (var contribution in contributions)
        {
            if (_recent.Contains(contribution.DeliveryId))
            {
                redelivered = true;
                continue;
            }
            statsChanged |= _aggregates.Apply(
                contribution.OccurrenceDelta,
                contribution.CoItems,
                contribution.Popularity.Select(p => KeyValuePair.Create(p.Day, p.MilliWeight)),
                _stored.Map.MarkChanged);
            Remember(contribution.DeliveryId);
        }
        State.Occurrence = _aggregates.Occurrence;
        State.Version++;

        await _writer.WriteAsync();
        // A redelivery means its sender did not hear back the first time: make sure the report that followed happens.
        if (statsChanged || redelivered)
        {
            await ReportStats();
        }
    }

    public async Task<IReadOnlyList<Neighbour>> GetNeighbours(int count)
    {
        var neighbours = await _neighbourhood.Get(_aggregates, State.Version);
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
        var remembered = State.RecentDeliveries;
        remembered.Add(deliveryId);
        if (remembered.Count > RememberedDeliveries)
        {
            _recent.Remove(remembered[0]);
            remembered.RemoveAt(0);
        }
    }

    private Task ReportStats()
    {
        var details = State.Details;
        var stats = new ItemStats(
            ItemId,
            State.Version,
            _aggregates.Occurrence,
            _aggregates.PopularityLog2(_options.HalfLife),
            _aggregates.NewestDay,
            details?.Category,
            details?.Available ?? true);
        return indexReports.Send(ShardPlacement.Shard(ItemId, _options.IndexShards), stats);
    }
}
