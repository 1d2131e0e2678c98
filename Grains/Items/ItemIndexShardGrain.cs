using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Serialization;
using OrleansReco.Grains.Hosting;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;
using OrleansReco.Grains.Storage;

namespace OrleansReco.Grains.Items;

/// <summary>
/// One partition of the item index. Items report absolute, versioned stats after they change, so the index is a
/// pure function of the item grains' state and a repeated or late report changes nothing. Reports apply in memory at
/// once and are written in checkpoints, at most one per <see cref="DeliveryOptions.CheckpointInterval"/>.
/// </summary>
[Reentrant]
public sealed class ItemIndexShardGrain(
    IAggregateRowStore store,
    Serializer<AggregateHead<IndexShardHeader>> heads,
    IOptions<DeliveryOptions> delivery,
    TimeProvider time,
    ILogger<ItemIndexShardGrain> logger) : Grain, IItemIndexShardGrain
{
    private readonly StoredMap<string, ItemStats> _items = new(EntryCodecs.IndexStats, StringComparer.Ordinal);
    private AggregateRows<IndexShardHeader> _rows = null!;
    private CheckpointSchedule _checkpoints = null!;

    /// <summary>
    /// TF-IDF over the catalogue text of this shard's items, in memory only: it is a function of the stored stats (their
    /// terms), rebuilt on activation. Weights come from this shard's own items: a shard holds a hash-random share of
    /// the catalogue, whose term frequencies estimate the whole's, and that saves every content query a second round
    /// over all shards for global frequencies.
    /// </summary>
    private readonly ContentIndex _content = new();

    private Dictionary<string, ItemStats> Items => _items.Current;

    /// <summary>The activation's random id tells a restarted shard's versions from the ones it gave before.</summary>
    private IndexVersion Version => new(_checkpoints.Activation, _rows.Header.Version);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var owner = new RowOwner("index", this.GetPrimaryKeyLong().ToString(System.Globalization.CultureInfo.InvariantCulture));
        _rows = new AggregateRows<IndexShardHeader>(store, owner, heads, _items);
        await _rows.LoadAsync();
        foreach (var stats in Items.Values)
        {
            _content.Set(stats.ItemId, ContentText.Split(stats.Terms));
        }
        _checkpoints = new CheckpointSchedule(time, delivery.Value.CheckpointInterval, store.CheckpointPhase(owner), delivery.Value.CheckpointChanges, _rows.CheckpointAsync, DeactivateOnIdle);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            await _checkpoints.FlushAsync();
        }
        catch (Exception exception)
        {
            // Nothing is lost: the items waiting for the checkpoint report again.
            logger.LogWarning("An index shard could not write its last checkpoint on deactivation ({ExceptionType})", exception.GetType().Name);
        }
    }

    public Task<CheckpointReceipt> Report(IReadOnlyList<ItemStats> reports)
    {
        var changes = 0;
        foreach (var stats in reports)
        {
            if (Items.GetValueOrDefault(stats.ItemId) is { } known && known.Version >= stats.Version)
            {
                continue;
            }
            if (Items.GetValueOrDefault(stats.ItemId)?.Terms != stats.Terms)
            {
                _content.Set(stats.ItemId, ContentText.Split(stats.Terms));
            }
            _items.Set(stats.ItemId, stats);
            changes++;
        }
        if (changes == 0)
        {
            return Task.FromResult(_checkpoints.Receipt);
        }
        _rows.Header.Version++;
        return Task.FromResult(_checkpoints.Changed(changes));
    }

    public Task WaitDurable(CheckpointReceipt receipt, bool urgent) => _checkpoints.WhenDurable(receipt, urgent);

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
    public Task<IReadOnlyList<ItemStats>> ListItems(string? category, string? after, int count)
    {
        IReadOnlyList<ItemStats> page = Items.Values
            .Where(s => after is null || string.CompareOrdinal(s.ItemId, after) > 0)
            .Where(s => InCategory(s, category))
            .OrderBy(s => s.ItemId, StringComparer.Ordinal)
            .Take(count)
            .ToList();
        return Task.FromResult(page);
    }

    [ReadOnly]
    public Task<ContentLookup> ContentMatches(string terms, string excludeItemId, int count, double support)
    {
        var scores = _content.Scores(ContentText.Split(terms), id => id != excludeItemId && Items[id].Available);
        var found = ContentIndex.Top(scores, count, s => s.Similarity)
            .Union(ContentIndex.Top(scores, count, s => s.Similarity * ContentBlend.Weight(Items[s.ItemId].Occurrence, support)))
            .Select(m =>
            {
                var stats = Items[m.ItemId];
                return new ContentMatch(m.ItemId, m.Similarity, stats.Occurrence, stats.Category);
            })
            .ToList();
        return Task.FromResult(new ContentLookup(Version, found));
    }

    [ReadOnly]
    public Task<IReadOnlyList<ItemStats>> TopPopular(int count, string? category)
    {
        IReadOnlyList<ItemStats> top = Items.Values
            .Where(s => s.Available && !double.IsNegativeInfinity(s.PopularityLog2))
            .Where(s => InCategory(s, category))
            .OrderByDescending(s => s.PopularityLog2)
            .ThenBy(s => s.ItemId, StringComparer.Ordinal)
            .Take(count)
            .ToList();
        return Task.FromResult(top);
    }

    private static bool InCategory(ItemStats stats, string? category) =>
        category is null || string.Equals(stats.Category, category, StringComparison.OrdinalIgnoreCase);
}
