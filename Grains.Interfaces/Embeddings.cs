namespace OrleansReco.Grains.Interfaces;

/// <summary>
/// A published embedding model: trained item factors and item-to-item weights (for <see cref="EaseItems"/> items),
/// stored in <see cref="Shards"/> embedding shard grains keyed <c>{Version}/{shard}</c>, with the settings every
/// fold-in against them must use. Versions only grow.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.EmbeddingManifest")]
public sealed record EmbeddingManifest(
    long Version,
    DateTimeOffset TrainedAt,
    int Shards,
    int Factors,
    double Regularization,
    double ConfidenceScale,
    int Sweeps,
    int Seed,
    int Users,
    int Items,
    long Interactions,
    TimeSpan ReadTime,
    TimeSpan TrainTime,
    long TrainingBytes,
    int EaseItems = 0,
    double EaseRegularization = 0,
    IReadOnlyList<SegmentSummary>? Segments = null);

/// <summary>
/// A shopper segment as the model's summary lists it: its id within the model version, how many shoppers of the
/// training were in it, and the categories that set it apart (none when the catalogue has no categories).
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.SegmentSummary")]
public sealed record SegmentSummary(int Id, int Shoppers, IReadOnlyList<string> TopCategories);

/// <summary>
/// One shopper segment of a model version: k-means' centroid in the ALS user space, its size, its characteristic
/// categories and its popular items (empty with private popularity on). Aggregates only: a shopper's segment is the
/// nearest centroid to their folded-in vector, computed when needed.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.ShopperSegment")]
public sealed record ShopperSegment(int Id, float[] Centroid, int Shoppers, IReadOnlyList<string> TopCategories, IReadOnlyList<PopularItem> Popular)
{
    public SegmentSummary Summary() => new(Id, Shoppers, TopCategories);
}

/// <summary>
/// What the trainer is doing and which model is current (null before the first training). <see cref="RetrainAt"/>:
/// when a retraining for erasures starts (or, past, starts once the running training ends); null when none waits.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.EmbeddingTrainingStatus")]
public sealed record EmbeddingTrainingStatus(
    bool Training, EmbeddingManifest? Current, string? LastError, DateTimeOffset? LastAttempt, bool ErasedSinceTraining,
    DateTimeOffset? RetrainAt = null);

/// <summary>
/// One shard's part of one model version: item vectors (ALS) and, for the items the item-to-item model covers, their
/// learned weights to other items (EASE); an item holds none when it is outside that model. Segment s of the version
/// is published in shard s mod the shard count, so it is written and deleted with the version's other rows.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.ItemVectors")]
public sealed record ItemVectors(
    IReadOnlyDictionary<string, float[]> Vectors, IReadOnlyDictionary<string, ItemWeight[]>? Weights = null,
    IReadOnlyList<ShopperSegment>? Segments = null);

/// <summary>A learned item-to-item weight: how much holding the source item adds to (or, negative, takes from) <see cref="ItemId"/>.</summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.ItemWeight")]
public readonly record struct ItemWeight(string ItemId, float Weight);

/// <summary>
/// The cluster's single embedding trainer: trains implicit ALS on the current histories (read through each user's
/// own grain, decrypted with the user's key) and publishes a new model version.
/// </summary>
[Alias("OrleansReco.IEmbeddingTrainerGrain")]
public interface IEmbeddingTrainerGrain : IGrainWithIntegerKey
{
    /// <summary>Starts a training unless one runs already; returns at once.</summary>
    [Alias("Start")]
    Task<EmbeddingTrainingStatus> Start();

    /// <summary>
    /// Returns when no training runs and no retraining for erasures is due (one still in its delay is not waited
    /// for), or after <paramref name="maxWait"/>, whichever is first.
    /// </summary>
    [Alias("Wait"), Orleans.Concurrency.AlwaysInterleave]
    Task<EmbeddingTrainingStatus> Wait(TimeSpan maxWait);

    [Alias("GetStatus"), Orleans.Concurrency.AlwaysInterleave]
    Task<EmbeddingTrainingStatus> GetStatus();

    /// <summary>The current model, for the silos' model caches.</summary>
    [Alias("GetCurrent"), Orleans.Concurrency.AlwaysInterleave]
    Task<EmbeddingManifest?> GetCurrent();

    /// <summary>Starts a training when the schedule says one is due, or a user was erased since the last one.</summary>
    [Alias("TrainIfDue")]
    Task TrainIfDue();

    /// <summary>
    /// Told by an erasure once the user's history is gone: the current model still holds their influence until a
    /// training that starts after this call. Starts one soon (debounced) and answers an estimate of when every silo
    /// serves it.
    /// </summary>
    [Alias("NoteErasure"), Orleans.Concurrency.AlwaysInterleave]
    Task<DateTimeOffset> NoteErasure();
}

/// <summary>Item vectors of one shard of one model version, keyed <c>{version}/{shard}</c>. Written once.</summary>
[Alias("OrleansReco.IEmbeddingShardGrain")]
public interface IEmbeddingShardGrain : IGrainWithStringKey
{
    [Alias("Publish")]
    Task Publish(ItemVectors vectors);

    [Alias("Get"), Orleans.Concurrency.AlwaysInterleave]
    Task<ItemVectors> Get();

    /// <summary>Deletes this shard's stored vectors (a superseded version).</summary>
    [Alias("Delete")]
    Task Delete();
}
