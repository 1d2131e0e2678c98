using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;

namespace OrleansReco.Grains.Items;

/// <summary>
/// An item's neighbourhood, and the items most like it by content weighted towards the new ones.
/// <see cref="Neighbours"/> blends co-occurrence and content (<see cref="ContentBlend"/>), the content share falling
/// as the item's own occurrence grows; <see cref="NewByContent"/> weighs each content match by how little
/// co-occurrence the match itself has, which is what lets a new product into the lists of shoppers of items like it.
/// </summary>
internal sealed record NeighbourhoodLists(List<SimilarItem> Neighbours, List<SimilarItem> NewByContent);

/// <summary>
/// An item's neighbourhood, computed from its own co-occurrence counts and the candidates' occurrence counts
/// looked up in the index shards, blended with content matches from every shard's content index when the item has
/// text, and kept for <see cref="ModelOptions.NeighbourhoodMaxAge"/>. Past that age it is computed again only if its
/// inputs moved: the item's own version (which an upsert of its text moves too), or the version of a shard it looked
/// up (a cheap call, where the lookup sends every candidate's id). So a quiet catalogue serves neighbourhoods without
/// recomputing them, and a busy one recomputes each at most once per max age. Concurrent readers share one computation.
/// </summary>
internal sealed class ItemNeighbourhoodCache(ModelOptions options, IGrainFactory grains, string itemId)
{
    /// <summary>A shard version no shard gives: stored when two answers of one shard disagree, so the next check recomputes.</summary>
    private static readonly IndexVersion Unknown = new(Guid.Empty, -1);

    private NeighbourhoodLists? _lists;
    private DateTime _checkedAt;
    private long _itemVersion;
    private Dictionary<int, IndexVersion> _shardVersions = [];
    private Task<NeighbourhoodLists>? _refreshing;

    /// <param name="aggregates">The item's counts.</param>
    /// <param name="itemVersion">The item's version: it changes whenever the counts or the catalogue data do.</param>
    /// <param name="terms">The item's catalogue terms, joined; null without text.</param>
    public async Task<NeighbourhoodLists> Get(ItemAggregates aggregates, long itemVersion, string? terms)
    {
        if (_lists is not null && DateTime.UtcNow - _checkedAt < options.NeighbourhoodMaxAge)
        {
            return _lists;
        }
        _refreshing ??= Refresh(aggregates, itemVersion, terms);
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

    private async Task<NeighbourhoodLists> Refresh(ItemAggregates aggregates, long itemVersion, string? terms)
    {
        var startedAt = DateTime.UtcNow;
        if (_lists is not null && itemVersion == _itemVersion && await ShardsUnchanged())
        {
            _checkedAt = startedAt;
            return _lists;
        }

        // The item's version was taken before its counts are read here, and each shard's comes with its stats: a change
        // while this runs only makes the next check recompute.
        var lookups = Neighbourhoods.Candidates(aggregates.CoOccurrence, options.MinSupport)
            .GroupBy(id => ShardPlacement.Shard(id, options.IndexShards))
            .Select(async g => (Shard: g.Key, Lookup: await grains.GetGrain<IItemIndexShardGrain>(g.Key).Lookup(g.ToList())));
        // Content is asked of every shard (any may hold a like item), and only for an item with text while it is on.
        var contentQueries = terms is null || options.ContentSupport <= 0
            ? []
            : Enumerable.Range(0, options.IndexShards).Select(async shard =>
                (Shard: shard, Lookup: await grains.GetGrain<IItemIndexShardGrain>(shard).ContentMatches(terms, itemId, options.NeighbourhoodSize, options.ContentSupport)));
        var found = await Task.WhenAll(lookups);
        var matched = await Task.WhenAll(contentQueries);
        var candidates = found
            .SelectMany(f => f.Lookup.Found)
            .ToDictionary(s => s.ItemId, s => new CandidateStats(s.Occurrence, s.Category, s.Available), StringComparer.Ordinal);

        var coOccurrence = Neighbourhoods.Build(
            aggregates.Occurrence, aggregates.CoOccurrence, candidates,
            options.Similarity, options.MinSupport, options.NeighbourhoodSize);
        // Each shard answered its best by similarity and its best by similarity weighted towards new items: the two
        // lists are ranked apart, or the many established items with closer texts would crowd every new one out.
        var matches = matched.SelectMany(m => m.Lookup.Found).ToList();
        var content = matches
            .Select(m => new SimilarItem(m.ItemId, m.Similarity, 0, m.Category, m.Similarity))
            .OrderByDescending(n => n.Similarity)
            .ThenBy(n => n.ItemId, StringComparer.Ordinal)
            .Take(options.NeighbourhoodSize)
            .ToList();
        var neighbours = ContentBlend.Blend(
            coOccurrence, content, ContentBlend.Weight(aggregates.Occurrence, options.ContentSupport), options.NeighbourhoodSize);
        var newByContent = matches
            .Select(m => new SimilarItem(m.ItemId, m.Similarity * ContentBlend.Weight(m.Occurrence, options.ContentSupport), 0, m.Category, m.Similarity))
            .Where(n => n.Similarity > 0)
            .OrderByDescending(n => n.Similarity)
            .ThenBy(n => n.ItemId, StringComparer.Ordinal)
            .Take(options.NeighbourhoodSize)
            .ToList();

        var lists = new NeighbourhoodLists(neighbours, newByContent);
        _lists = lists;
        _itemVersion = itemVersion;
        _shardVersions = found.ToDictionary(f => f.Shard, f => f.Lookup.Version);
        foreach (var (shard, lookup) in matched)
        {
            _shardVersions[shard] = _shardVersions.TryGetValue(shard, out var seen) && seen != lookup.Version ? Unknown : lookup.Version;
        }
        _checkedAt = startedAt;
        return lists;
    }

    private async Task<bool> ShardsUnchanged()
    {
        var versions = await Task.WhenAll(_shardVersions.Select(async kv =>
            (Known: kv.Value, Now: await grains.GetGrain<IItemIndexShardGrain>(kv.Key).GetVersion())));
        return versions.All(v => v.Known == v.Now);
    }
}
