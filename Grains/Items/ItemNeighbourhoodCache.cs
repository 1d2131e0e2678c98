using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;

namespace OrleansReco.Grains.Items;

/// <summary>
/// An item's neighbourhood, computed from its own co-occurrence counts and the candidates' occurrence counts
/// looked up in the index shards, and kept for <see cref="ModelOptions.NeighbourhoodMaxAge"/>. Past that age it is
/// computed again only if its inputs moved: the item's own version, or the version of a shard it looked up (a cheap
/// call, where the lookup sends every candidate's id). So a quiet catalogue serves neighbourhoods without recomputing
/// them, and a busy one recomputes each at most once per max age. Concurrent readers share one computation.
/// </summary>
internal sealed class ItemNeighbourhoodCache(ModelOptions options, IGrainFactory grains)
{
    private List<SimilarItem>? _neighbours;
    private DateTime _checkedAt;
    private long _itemVersion;
    private Dictionary<int, IndexVersion> _shardVersions = [];
    private Task<List<SimilarItem>>? _refreshing;

    /// <param name="aggregates">The item's counts.</param>
    /// <param name="itemVersion">The item's version: it changes whenever the counts do.</param>
    public async Task<List<SimilarItem>> Get(ItemAggregates aggregates, long itemVersion)
    {
        if (_neighbours is not null && DateTime.UtcNow - _checkedAt < options.NeighbourhoodMaxAge)
        {
            return _neighbours;
        }
        _refreshing ??= Refresh(aggregates, itemVersion);
        var refreshing = _refreshing;
        try
        {
            return await refreshing;
        }
        finally
        {
            if (_refreshing == refreshing) _refreshing = null;
        }
    }

    private async Task<List<SimilarItem>> Refresh(ItemAggregates aggregates, long itemVersion)
    {
        var startedAt = DateTime.UtcNow;
        if (_neighbours is not null && itemVersion == _itemVersion && await ShardsUnchanged())
        {
            _checkedAt = startedAt;
            return _neighbours;
        }

        // The item's version was taken before its counts are read here, and each shard's comes with its stats: a change
        // while this runs only makes the next check recompute.
        var lookups = Neighbourhoods.Candidates(aggregates.CoOccurrence, options.MinSupport)
            .GroupBy(id => ShardPlacement.Shard(id, options.IndexShards))
            .Select(async g => (Shard: g.Key, Lookup: await grains.GetGrain<IItemIndexShardGrain>(g.Key).Lookup(g.ToList())));
        var found = await Task.WhenAll(lookups);
        var candidates = found
            .SelectMany(f => f.Lookup.Found)
            .ToDictionary(s => s.ItemId, s => new CandidateStats(s.Occurrence, s.Category, s.Available), StringComparer.Ordinal);

        var neighbours = Neighbourhoods.Build(
            aggregates.Occurrence, aggregates.CoOccurrence, candidates,
            options.Similarity, options.MinSupport, options.NeighbourhoodSize);
        _neighbours = neighbours;
        _itemVersion = itemVersion;
        _shardVersions = found.ToDictionary(f => f.Shard, f => f.Lookup.Version);
        _checkedAt = startedAt;
        return neighbours;
    }

    private async Task<bool> ShardsUnchanged()
    {
        var versions = await Task.WhenAll(_shardVersions.Select(async kv =>
            (Known: kv.Value, Now: await grains.GetGrain<IItemIndexShardGrain>(kv.Key).GetVersion())));
        return versions.All(v => v.Known == v.Now);
    }
}
