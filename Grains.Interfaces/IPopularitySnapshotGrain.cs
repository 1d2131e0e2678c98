namespace OrleansReco.Grains.Interfaces;

/// <summary>
/// With private popularity on (<c>Reco:Privacy:Popularity:Epsilon</c>), the one published snapshot of noisy
/// popularity per epoch: every available item ranked by its noisy holder count. One grain, so the whole cluster
/// publishes one set of draws; each silo caches the snapshot for the epoch.
/// </summary>
[Alias("OrleansReco.IPopularitySnapshotGrain")]
public interface IPopularitySnapshotGrain : IGrainWithIntegerKey
{
    /// <summary>The snapshot of the current epoch, made on the first call in it.</summary>
    [Alias("Current")]
    Task<PopularitySnapshot> Current();
}

/// <summary>
/// One epoch's private popularity: available items, highest noisy count first, each <see cref="PopularItem.Score"/>
/// the noisy count (never below 0).
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.PopularitySnapshot")]
public sealed record PopularitySnapshot(long Epoch, IReadOnlyList<PopularItem> Ranked);
