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
    [PersistentState("index", RecoStorage.State)] IPersistentState<ItemIndexShardState> state) : Grain, IItemIndexShardGrain
{
    private CoalescingStateWriter _writer = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writer = new CoalescingStateWriter(() => state.WriteStateAsync(), onFailure: DeactivateOnIdle);
        return Task.CompletedTask;
    }

    public async Task Report(ItemStats stats)
    {
        var items = state.State.Items;
        if (items.TryGetValue(stats.ItemId, out var known) && known.Version >= stats.Version)
        {
            return;
        }
        items[stats.ItemId] = stats;
        await _writer.WriteAsync();
    }

    [ReadOnly]
    public Task<IReadOnlyList<ItemStats>> Lookup(IReadOnlyList<string> itemIds)
    {
        var items = state.State.Items;
        IReadOnlyList<ItemStats> found = itemIds
            .Select(id => items.GetValueOrDefault(id))
            .OfType<ItemStats>()
            .ToList();
        return Task.FromResult(found);
    }

    [ReadOnly]
    public Task<IReadOnlyList<ItemStats>> TopPopular(int count, string? category)
    {
        IReadOnlyList<ItemStats> top = state.State.Items.Values
            .Where(s => s.Available && !double.IsNegativeInfinity(s.PopularityLog2))
            .Where(s => category is null || string.Equals(s.Category, category, StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(s => s.PopularityLog2)
            .ThenBy(s => s.ItemId, StringComparer.Ordinal)
            .Take(count)
            .ToList();
        return Task.FromResult(top);
    }
}
