using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;

namespace OrleansReco.Grains.Items;

/// <summary>
/// An item's neighbourhood, computed from its own co-occurrence counts and the candidates' occurrence counts
/// looked up in the index shards, and kept for <see cref="ModelOptions.NeighbourhoodMaxAge"/>.
/// Concurrent readers share one computation.
/// </summary>
internal sealed class ItemNeighbourhoodCache(ModelOptions options, IGrainFactory grains)
{
    private List<SimilarItem>? _neighbours;
    private DateTime _computedAt;
    private Task<List<SimilarItem>>? _computing;

    public async Task<List<SimilarItem>> Get(ItemAggregates aggregates)
    {
        if (_neighbours is not null && DateTime.UtcNow - _computedAt < options.NeighbourhoodMaxAge)
        {
            return _neighbours;
        }
        _computing ??= Compute(aggregates);
        var computing = _computing;
        try
        {
            return await computing;
        }
        finally
        {
            if (_computing == computing) _computing = null;
        }
    }

    private async Task<List<SimilarItem>> Compute(ItemAggregates aggregates)
    {
        var startedAt = DateTime.UtcNow;
        var lookups = Neighbourhoods.Candidates(aggregates.CoOccurrence, options.MinSupport)
            .GroupBy(id => ShardPlacement.Shard(id, options.IndexShards))
            .Select(g => grains.GetGrain<IItemIndexShardGrain>(g.Key).Lookup(g.ToList()));
        var found = await Task.WhenAll(lookups);
        var candidates = found
            .SelectMany(stats => stats)
            .ToDictionary(s => s.ItemId, s => new CandidateStats(s.Occurrence, s.Category, s.Available), StringComparer.Ordinal);

        var neighbours = Neighbourhoods.Build(
            aggregates.Occurrence, aggregates.CoOccurrence, candidates,
            options.Similarity, options.MinSupport, options.NeighbourhoodSize);
        _neighbours = neighbours;
        _computedAt = startedAt;
        return neighbours;
    }
}
