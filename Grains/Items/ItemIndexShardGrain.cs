using Orleans.Concurrency;
using OrleansReco.Grains.Hosting;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Storage;

namespace OrleansReco.Grains.Items;

/// <summary>
/// One partition of the item index. Items report absolute, versioned stats after they change, so the index is a
/// pure function of the item grains' state and a repeated or late report changes nothing.
/// Reentrant with group commit: a busy shard writes once for many reports.
/// </summary>
[Reentrant]
public sealed class ItemIndexShardGrain(
    [PersistentState("index", RecoStorage.State)] IPersistentState<ItemIndexShardState> head,
    [PersistentState("index-snapshot", RecoStorage.State)] IPersistentState<ItemIndexShardState> snapshot) : Grain, IItemIndexShardGrain
{
    private readonly SnapshottedState<ItemIndexShardState, string, ItemStats?> _stored = new(head, snapshot);
    private CoalescingStateWriter _writer = null!;

    private Guid _activation;

    private Dictionary<string, ItemStats?> Items => _stored.Map.Current;

    private IndexVersion Version => new(_activation, _stored.State.Version);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _stored.Restore();
        _activation = Guid.NewGuid();
        _writer = new CoalescingStateWriter(_stored.WriteAsync, onFailure: DeactivateOnIdle);
        return Task.CompletedTask;
    }

    public async Task Report(IReadOnlyList<ItemStats> reports)
    {
        var changed = false;
        foreach (var stats in reports)
        {
            if (Items.GetValueOrDefault(stats.ItemId) is { } known && known.Version >= stats.Version)
            {
                continue;
            }
            Items[stats.ItemId] = stats;
            _stored.Map.MarkChanged(stats.ItemId, stats);
            changed = true;
        }
        if (changed)
        {
            _stored.State.Version++;
            await _writer.WriteAsync();
        }
    }

    [ReadOnly]
    public Task<IndexLookup> Lookup(IReadOnlyList<string> itemIds)
    {
        var found = itemIds
            .Select(id => Items.GetValueOrDefault(id))
            .OfType<ItemStats>()
            .ToList();
        return Task.FromResult(new IndexLookup(Version, found));
    }

    [ReadOnly]
    public Task<IndexVersion> GetVersion() => Task.FromResult(Version);

    [ReadOnly]
    public Task<IReadOnlyList<ItemStats>> TopPopular(int count, string? category)
    {
        IReadOnlyList<ItemStats> top = Items.Values
            .OfType<ItemStats>()
            .Where(s => s.Available && !double.IsNegativeInfinity(s.PopularityLog2))
            .Where(s => category is null || string.Equals(s.Category, category, StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(s => s.PopularityLog2)
            .ThenBy(s => s.ItemId, StringComparer.Ordinal)
            .Take(count)
            .ToList();
        return Task.FromResult(top);
    }
}
