using Microsoft.Extensions.Options;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;

namespace OrleansReco.Grains.Recommendation;

/// <summary>
/// Makes the epoch's private popularity snapshot: reads every shard's item counts in one parallel pass, adds one
/// draw of noise per item under a key drawn for this snapshot, and keeps the ranking in memory until the epoch ends.
/// Counts are frozen with the noise: republishing changed counts under the same draws would let a reader subtract
/// the noise away. Nothing is stored, so a restart within an epoch publishes a new snapshot with new draws, which
/// spends the epoch's budget a second time (docs/privacy.md says so); for the same reason the grain is never
/// collected when idle, which it is for most of an epoch once every silo has its copy.
/// </summary>
[CollectionAgeLimit(AlwaysActive = true)]
public sealed class PopularitySnapshotGrain(
    IOptions<ModelOptions> model, IOptions<PopularityPrivacyOptions> privacy, TimeProvider time) : Grain, IPopularitySnapshotGrain
{
    private PopularitySnapshot? _snapshot;

    public async Task<PopularitySnapshot> Current()
    {
        var options = privacy.Value;
        if (!options.Enabled) throw new InvalidOperationException($"{PopularityPrivacyOptions.SectionName}:Epsilon is 0: popularity is published exact.");
        var epoch = options.EpochOf(time.GetUtcNow());
        // An empty snapshot published no count, so making another costs no budget: a new cluster's first request,
        // before any item is known, does not leave the lists empty for the whole epoch.
        if (_snapshot?.Epoch == epoch && _snapshot.Ranked.Count > 0) return _snapshot;

        var shards = await Task.WhenAll(Enumerable.Range(0, model.Value.IndexShards)
            .Select(shard => GrainFactory.GetGrain<IItemIndexShardGrain>(shard).ListItems(null, null, int.MaxValue)));
        var counts = shards.SelectMany(s => s)
            .Where(s => s.Available)
            .Select(s => new ItemCount(s.ItemId, s.Occurrence, s.Category));
        var noise = PopularityNoise.Fresh(options.Epsilon, PrivatePopularity.Sensitivity(model.Value));
        var ranked = PrivatePopularity.Rank(counts, noise)
            .ConvertAll(n => new PopularItem(n.ItemId, n.Count, n.Category));
        return _snapshot = new PopularitySnapshot(epoch, ranked);
    }
}
