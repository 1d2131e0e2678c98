using Microsoft.Extensions.Options;
using OrleansReco.Grains.Hosting;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;

namespace OrleansReco.Grains.Embeddings;

/// <summary>
/// The current embedding model of this silo, shared by its user and recommender grains. Asks the trainer for the
/// current version at most every <see cref="ModelOptions.EmbeddingRefreshPeriod"/>, and loads a new version's shards
/// once, whoever asks; until it is loaded the previous model keeps serving. A caller gets one model object and
/// uses only it, so nothing mixes two versions.
/// </summary>
public sealed class EmbeddingModelCache(IGrainFactory grains, IOptions<ModelOptions> options, TimeProvider clock)
{
    private const long TrainerKey = 0;
    private readonly TimeSpan _refreshPeriod = options.Value.EmbeddingRefreshPeriod;
    private readonly Lock _lock = new();
    private EmbeddingModel? _model;
    private long _checkedAt = long.MinValue;
    private Task<EmbeddingModel?>? _refresh;

    public async ValueTask<EmbeddingModel?> CurrentAsync()
    {
        Task<EmbeddingModel?> refresh;
        lock (_lock)
        {
            if (_refresh is null && _checkedAt != long.MinValue && clock.GetElapsedTime(_checkedAt) < _refreshPeriod)
            {
                return _model;
            }
            // Off the caller's grain scheduler: the refresh outlives any one caller.
            refresh = _refresh ??= Task.Run(Refresh);
        }
        return await refresh;
    }

    private async Task<EmbeddingModel?> Refresh()
    {
        try
        {
            var manifest = await grains.GetGrain<IEmbeddingTrainerGrain>(TrainerKey).GetCurrent();
            var model = _model;
            if (manifest is not null && manifest.Version != model?.Version)
            {
                model = await Load(grains, manifest);
                RecoMetrics.ModelServed(manifest.Version, manifest.TrainedAt);
            }
            lock (_lock)
            {
                _model = model;
                _checkedAt = clock.GetTimestamp();
            }
            return model;
        }
        finally
        {
            lock (_lock)
            {
                _refresh = null;
            }
        }
    }

    /// <summary>Model <paramref name="manifest"/> in memory, read from its shards: also how a tool scores lists against it.</summary>
    public static async Task<EmbeddingModel> Load(IGrainFactory grains, EmbeddingManifest manifest)
    {
        var shards = await Task.WhenAll(Enumerable.Range(0, manifest.Shards).Select(shard =>
            grains.GetGrain<IEmbeddingShardGrain>(EmbeddingTrainerGrain.ShardKey(manifest.Version, shard)).Get()));
        var items = shards
            .SelectMany(s => s.Vectors)
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (kv.Key, kv.Value))
            .ToList();
        var weights = shards
            .SelectMany(s => s.Weights ?? new Dictionary<string, ItemWeight[]>())
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var segments = shards.SelectMany(s => s.Segments ?? []).OrderBy(s => s.Id).ToList();
        var settings = new AlsSettings(manifest.Factors, manifest.Regularization, manifest.ConfidenceScale, manifest.Sweeps, manifest.Seed);
        return new EmbeddingModel(manifest.Version, settings, items, weights, segments);
    }
}
