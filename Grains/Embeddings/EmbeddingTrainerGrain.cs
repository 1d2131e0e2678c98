using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansReco.Grains.Hosting;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;
using OrleansReco.Grains.Storage;

namespace OrleansReco.Grains.Embeddings;

/// <summary>
/// Trains and publishes embedding models (one trainer per cluster, key 0). A training reads the user list from the
/// key store, so an erased user (no key) is never read, and each history through its own user grain, which decrypts
/// it; trains implicit ALS and the EASE item-to-item weights, and segments the shoppers (k-means over their vectors);
/// writes the item vectors, weights and segments as a new version,
/// makes it current, then deletes older versions. Runs in the background of this grain, so requests (status, the
/// current version) are served meanwhile; all state writes go through one coalescing writer.
/// An erasure starts a retraining <see cref="ModelOptions.EmbeddingErasureRetrainDelay"/> after it, after any training
/// already running (which may have read the erased history); erasures arriving before it starts share it. If this
/// activation is lost meanwhile, the schedule check retrains instead (the erasure count is stored).
/// </summary>
public sealed class EmbeddingTrainerGrain(
    [PersistentState("embedding-trainer", RecoStorage.State)] IPersistentState<EmbeddingTrainerState> state,
    [FromKeyedServices(RecoStorage.Keys)] IUserKeyStore keys,
    IOptions<ModelOptions> options,
    IOptions<PopularityPrivacyOptions> privacy,
    TimeProvider clock,
    ILogger<EmbeddingTrainerGrain> logger) : Grain, IEmbeddingTrainerGrain
{
    private const int ReadParallelism = 32;

    private readonly ModelOptions _options = options.Value;
    private CoalescingStateWriter _writer = null!;
    private Task _training = Task.CompletedTask;
    private Task _retraining = Task.CompletedTask;
    private DateTimeOffset? _retrainAt;
    private string? _lastError;

    private bool Training => !_training.IsCompleted;

    public static string ShardKey(long version, int shard) => $"{version}/{shard}";

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writer = new CoalescingStateWriter(() => state.WriteStateAsync(), onFailure: DeactivateOnIdle);
        return Task.CompletedTask;
    }

    public Task<EmbeddingTrainingStatus> Start()
    {
        if (!Training)
        {
            _training = TrainAndPublish();
        }
        return GetStatus();
    }

    public async Task<EmbeddingTrainingStatus> Wait(TimeSpan maxWait)
    {
        await Task.WhenAny(Idle(), Task.Delay(maxWait, clock));
        return await GetStatus();
    }

    /// <summary>Completes when no training runs and no retraining is due (one whose start has come waits only for the running one).</summary>
    private async Task Idle()
    {
        while (Training || _retrainAt <= clock.GetUtcNow())
        {
            await Task.WhenAll(_training, _retraining);
        }
    }

    public Task<EmbeddingTrainingStatus> GetStatus() => Task.FromResult(new EmbeddingTrainingStatus(
        Training, state.State.Current, _lastError, state.State.LastAttempt, state.State.Erasures > state.State.ErasuresAtTraining,
        _retrainAt));

    public Task<EmbeddingManifest?> GetCurrent() => Task.FromResult(state.State.Current);

    public async Task TrainIfDue()
    {
        if (!Training && TrainingSchedule.IsDue(
                clock.GetUtcNow(), state.State.LastAttempt, state.State.Erasures > state.State.ErasuresAtTraining,
                _options.EmbeddingTrainEvery, _options.EmbeddingScheduleCheck))
        {
            await Start();
        }
    }

    public async Task<DateTimeOffset> NoteErasure()
    {
        state.State.Erasures++;
        await _writer.WriteAsync();
        // Debounced: the first erasure of a burst fixes the start, the later ones join it. A start that moved with each
        // erasure would let a steady trickle of them put the retraining off for ever.
        var retrainAt = _retrainAt ?? clock.GetUtcNow() + _options.EmbeddingErasureRetrainDelay;
        var cleanBy = TrainingSchedule.ModelCleanBy(
            retrainAt, Training ? state.State.LastAttempt : null, state.State.LastTrainingTime ?? TimeSpan.Zero,
            _options.EmbeddingRefreshPeriod);
        if (_retrainAt is null)
        {
            _retrainAt = retrainAt;
            _retraining = RetrainAfterErasures(retrainAt);
        }
        return cleanBy;
    }

    private async Task RetrainAfterErasures(DateTimeOffset at)
    {
        try
        {
            var wait = at - clock.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, clock);
            }
            // A training running now may have read an erased history before it was gone: the retraining follows it.
            while (Training)
            {
                await _training;
            }
            _retrainAt = null;
            // Unless a training that started after these erasures (on demand, or the schedule) has covered them.
            if (state.State.Erasures > state.State.ErasuresAtTraining)
            {
                _training = TrainAndPublish();
            }
        }
        finally
        {
            _retrainAt = null; // erasures from now on need a training that starts after them
        }
    }

    private async Task TrainAndPublish()
    {
        var erasuresAtStart = state.State.Erasures;
        state.State.LastAttempt = clock.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        try
        {
            var manifest = await Train();
            if (state.State.Current is { } old)
            {
                state.State.Superseded[old.Version] = old.Shards;
            }
            state.State.Current = manifest;
            state.State.ErasuresAtTraining = erasuresAtStart;
            state.State.LastTrainingTime = Stopwatch.GetElapsedTime(started);
            await _writer.WriteAsync();
            _lastError = null;
            await DeleteSuperseded();
            logger.LogInformation(
                "Embedding model {Version}: {Users} users, {Items} items ({EaseItems} with item-to-item weights), {Interactions} interactions, " +
                "{Segments} shopper segments; read {ReadSeconds:F1} s, trained {TrainSeconds:F1} s, {TrainingMiB:F1} MiB",
                manifest.Version, manifest.Users, manifest.Items, manifest.EaseItems, manifest.Interactions, manifest.Segments?.Count ?? 0,
                manifest.ReadTime.TotalSeconds, manifest.TrainTime.TotalSeconds, manifest.TrainingBytes / 1048576.0);
            RecoMetrics.Training(started, succeeded: true);
        }
        catch (Exception exception)
        {
            RecoMetrics.Training(started, succeeded: false);
            _lastError = exception.Message;
            logger.LogError(exception, "Embedding training failed");
            await _writer.WriteAsync(); // the attempt time, so the schedule does not retry at once
        }
    }

    private async Task<EmbeddingManifest> Train()
    {
        var settings = AlsSettings.From(_options);
        var read = Stopwatch.StartNew();
        var histories = await ReadHistories();
        var matrix = InteractionMatrix.From(
            histories.Select(h => (h.User, (IReadOnlyList<(string, double)>)h.Items.Select(x => (x.ItemId, x.Affinity)).ToList())));
        read.Stop();

        var train = Stopwatch.StartNew();
        var factors = await Task.Run(() => ImplicitAls.Train(matrix, settings));
        var ease = EaseSettings.From(_options);
        var weights = ease.MaxItems > 0
            ? await Task.Run(() => Ease.Train(InteractionMatrix.From(Ease.RecencyRows(histories, _options.EaseHalfLife)), ease))
            : [];
        var segments = _options.Segments > 0 ? await Segment(histories, matrix, factors, settings) : [];
        train.Stop();

        var version = (state.State.Current?.Version ?? 0) + 1;
        var shards = _options.EmbeddingShards;
        var vectorsByShard = Enumerable.Range(0, shards).Select(_ => new Dictionary<string, float[]>(StringComparer.Ordinal)).ToArray();
        var weightsByShard = Enumerable.Range(0, shards).Select(_ => new Dictionary<string, ItemWeight[]>(StringComparer.Ordinal)).ToArray();
        for (var i = 0; i < factors.Items.Length; i++)
        {
            vectorsByShard[ShardPlacement.Shard(factors.Items[i], shards)][factors.Items[i]] = Array.ConvertAll(factors.ItemFactors[i], v => (float)v);
        }
        foreach (var (item, row) in weights)
        {
            weightsByShard[ShardPlacement.Shard(item, shards)][item] = row;
        }
        await Task.WhenAll(Enumerable.Range(0, shards).Select(shard =>
            GrainFactory.GetGrain<IEmbeddingShardGrain>(ShardKey(version, shard))
                .Publish(new ItemVectors(vectorsByShard[shard], weightsByShard[shard], segments.Where(s => s.Id % shards == shard).ToList()))));

        var trainingBytes = matrix.NonZeros * 2 * (sizeof(int) + sizeof(double))
            + (long)(matrix.Users.Length + matrix.Items.Length) * settings.Factors * sizeof(double)
            + (ease.MaxItems > 0 ? ease.TrainingBytes(matrix.Items.Length) : 0);
        return new EmbeddingManifest(
            version, clock.GetUtcNow(), shards, settings.Factors, settings.Regularization, settings.ConfidenceScale,
            settings.Sweeps, settings.Seed, matrix.Users.Length, matrix.Items.Length, matrix.NonZeros,
            read.Elapsed, train.Elapsed, trainingBytes, weights.Count, ease.Regularization, segments.ConvertAll(s => s.Summary()));
    }

    /// <summary>
    /// The shopper segments of this training (<see cref="ShopperSegmentation"/>). Each shopper's vector is folded in
    /// again against the final item vectors, as serving folds a shopper in, so the segment sizes count shoppers by the
    /// rule that later assigns them. Categories and availability come from the item index. With private popularity on
    /// no segment popular list is made: each training would publish new exact aggregates outside the epoch's budget,
    /// so the fill stays the private global snapshot (docs/privacy.md).
    /// </summary>
    private async Task<List<ShopperSegment>> Segment(
        List<(string User, IReadOnlyList<HistoryAffinity> Items)> histories, InteractionMatrix matrix, AlsFactors factors, AlsSettings settings)
    {
        var shards = await Task.WhenAll(Enumerable.Range(0, _options.IndexShards)
            .Select(shard => GrainFactory.GetGrain<IItemIndexShardGrain>(shard).ListItems(null, null, int.MaxValue)));
        var facts = shards.SelectMany(s => s)
            .GroupBy(s => s.ItemId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new ItemFacts(g.First().Category, g.First().Available), StringComparer.Ordinal);
        var byUser = histories.ToDictionary(h => h.User, h => h.Items, StringComparer.Ordinal);
        var segmentSettings = SegmentSettings.From(_options, popular: !privacy.Value.Enabled);
        return await Task.Run(() =>
        {
            var gram = ImplicitAls.Gram(factors.ItemFactors, settings.Factors);
            var shoppers = new SegmentedShopper[matrix.Users.Length];
            Parallel.For(0, matrix.Users.Length, u =>
            {
                var vector = ImplicitAls.Solve(
                    gram, Array.ConvertAll(matrix.UserItems[u], i => factors.ItemFactors[i]), matrix.UserValues[u], settings);
                shoppers[u] = new SegmentedShopper(vector, byUser[matrix.Users[u]]);
            });
            return ShopperSegmentation.Build(shoppers, item => facts.GetValueOrDefault(item), segmentSettings);
        });
    }

    /// <summary>Every keyed user's current history with its decayed affinities and times, as the user grain holds it.</summary>
    private async Task<List<(string User, IReadOnlyList<HistoryAffinity> Items)>> ReadHistories()
    {
        var owners = new List<GrainId>();
        await foreach (var key in keys.ListAsync())
        {
            owners.Add(key.Owner);
        }
        var histories = new List<(string, IReadOnlyList<HistoryAffinity>)>(owners.Count);
        foreach (var chunk in owners.Chunk(ReadParallelism))
        {
            var read = await Task.WhenAll(chunk.Select(owner => GrainFactory.GetGrain(owner).AsReference<IUserGrain>().GetTrainingHistory()));
            for (var n = 0; n < chunk.Length; n++)
            {
                if (read[n].Count > 0)
                {
                    histories.Add((chunk[n].ToString(), read[n]));
                }
            }
        }
        return histories;
    }

    /// <summary>
    /// Old versions hold the influence of users erased since: they go as soon as a newer one is current. One that
    /// cannot be deleted now stays listed and is tried again after the next training.
    /// </summary>
    private async Task DeleteSuperseded()
    {
        foreach (var (version, shards) in state.State.Superseded.ToList())
        {
            try
            {
                await Task.WhenAll(Enumerable.Range(0, shards).Select(shard =>
                    GrainFactory.GetGrain<IEmbeddingShardGrain>(ShardKey(version, shard)).Delete()));
                state.State.Superseded.Remove(version);
                await _writer.WriteAsync();
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "Could not delete embedding model {Version}; will retry after the next training", version);
            }
        }
    }
}
