using System.Diagnostics;
using System.IO.Compression;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansReco.Grains.Embeddings;
using OrleansReco.Grains.Hosting;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Testing;

namespace OrleansReco.Benchmarks;

/// <summary>
/// How long the trained model takes to forget an erased shopper at the shared data's size: seconds from the
/// erasure's answer (the receipt DELETE returns) until every silo serves a model version whose training started after
/// it. The shared split's training events replayed into an in-process cluster of two silos on memory storage, with
/// production's model timing (retrain delay, refresh period, schedule check); then single erasures, each once the
/// previous one is forgotten, and a burst of erasures at once (how many trainings it caused).
/// </summary>
public static class ModelForgetting
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <param name="retrainDelay">Production's when null; a day leaves only the schedule check, as before erasures started a retraining.</param>
    public static async Task Run(string trainFile, int singles, int burst, TimeSpan? retrainDelay = null)
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            var production = new Grains.Model.ModelOptions();
            silo.AddRecoForTests(model =>
            {
                model.NeighbourhoodMaxAge = production.NeighbourhoodMaxAge;
                model.EmbeddingRefreshPeriod = production.EmbeddingRefreshPeriod;
                model.EmbeddingErasureRetrainDelay = retrainDelay ?? production.EmbeddingErasureRetrainDelay;
                model.EmbeddingScheduleCheck = production.EmbeddingScheduleCheck;
                // EmbeddingTrainEvery stays off: no scheduled training may land in a measurement.
            });
            // Production's delivery timing, as the erasure benchmark: items write once per checkpoint interval.
            silo.Services.Configure<DeliveryOptions>(options =>
            {
                var delivery = new DeliveryOptions();
                options.CheckpointInterval = delivery.CheckpointInterval;
                options.OutboxWriteDelay = delivery.OutboxWriteDelay;
            });
        });
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        var grains = cluster.Client;
        var caches = cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<EmbeddingModelCache>()).ToList();
        var trainer = grains.GetGrain<IEmbeddingTrainerGrain>(0);
        var settings = new Grains.Model.ModelOptions();
        Console.WriteLine($"cluster: 2 silos in-process, memory storage; retrain delay {(retrainDelay ?? settings.EmbeddingErasureRetrainDelay).TotalSeconds} s, " +
            $"schedule check {settings.EmbeddingScheduleCheck.TotalSeconds} s, refresh period {settings.EmbeddingRefreshPeriod.TotalSeconds} s");

        var users = await Replay(grains, trainFile);
        var watch = Stopwatch.StartNew();
        var status = await trainer.Start();
        while (status.Training) status = await trainer.Wait(TimeSpan.FromSeconds(10)); // under the call timeout (30 s)
        Report("first training", status.Current!, watch.Elapsed);
        await AllServe(caches, status.Current!.Version);

        var doomed = new Queue<string>(users);
        foreach (var _ in Enumerable.Range(0, singles))
        {
            await Forget(grains, trainer, caches, [doomed.Dequeue()]);
        }
        if (burst > 0)
        {
            await Forget(grains, trainer, caches, Enumerable.Range(0, burst).Select(_ => doomed.Dequeue()).ToList());
        }
    }

    /// <summary>Erases <paramref name="erased"/> at once and times how long until every silo serves a model without them.</summary>
    private static async Task Forget(IGrainFactory grains, IEmbeddingTrainerGrain trainer, List<EmbeddingModelCache> caches, List<string> erased)
    {
        var before = await trainer.GetStatus();
        // (A retraining may still wait in its delay when the schedule check trained first: it will find nothing to do.)
        if (before.Training || before.ErasedSinceTraining) throw new InvalidOperationException("the model must be clean between measurements");
        var receipts = await Task.WhenAll(erased.Select(user =>
            grains.GetGrain<IUserGrain>(user).Erase(new ErasureRequest(Guid.NewGuid(), "salt", "hash"))));
        var answered = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        // No training ran when the erasures landed, so the next version is trained after all of them.
        var clean = before.Current!.Version + 1;
        await AllServe(caches, clean);
        var seconds = watch.Elapsed.TotalSeconds;

        var after = await trainer.GetStatus();
        var estimate = receipts.Max(r => r.ModelCleanBy!.Value) - answered;
        Console.WriteLine($"erased {erased.Count} shopper(s) ({receipts.Sum(r => r.HistoryItemsRetracted)} history items): " +
            $"every silo serves a model trained without them {seconds:F1} s after the answer (modelCleanBy estimated {estimate.TotalSeconds:F1} s); " +
            $"trainings {after.Current!.Version - before.Current.Version}, users {before.Current.Users} -> {after.Current.Users}, " +
            $"training read {after.Current.ReadTime.TotalSeconds:F1} s + trained {after.Current.TrainTime.TotalSeconds:F1} s");
        if (after.Current.Users != before.Current.Users - erased.Count) throw new InvalidOperationException("the clean model must hold every other user");
    }

    /// <summary>Polls what each silo's model cache would serve a request now (as a request would, refreshing when due).</summary>
    private static async Task AllServe(List<EmbeddingModelCache> caches, long version)
    {
        while (true)
        {
            var served = await Task.WhenAll(caches.Select(c => c.CurrentAsync().AsTask()));
            if (served.All(m => m?.Version >= version)) return;
            await Task.Delay(Poll);
        }
    }

    /// <summary>The file's events (user item rating timestamp), each shopper's in time order, recorded as purchases.</summary>
    private static async Task<List<string>> Replay(IGrainFactory grains, string trainFile)
    {
        var byUser = new Dictionary<string, List<BehaviourEvent>>();
        using (var reader = new StreamReader(new GZipStream(File.OpenRead(trainFile), CompressionMode.Decompress)))
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                var f = line.Split('\t');
                if (f.Length < 4) continue;
                if (!byUser.TryGetValue(f[0], out var events)) byUser[f[0]] = events = [];
                events.Add(new BehaviourEvent(f[1], EventType.Purchase, DateTimeOffset.FromUnixTimeSeconds(long.Parse(f[3]))));
            }
        }
        var watch = Stopwatch.StartNew();
        var total = byUser.Values.Sum(e => e.Count);
        var done = 0;
        await Parallel.ForEachAsync(byUser, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (user, _) =>
        {
            var shopper = grains.GetGrain<IUserGrain>(user.Key);
            foreach (var batch in user.Value.OrderBy(e => e.Timestamp).Chunk(100))
            {
                await shopper.Record(batch);
            }
            if (Interlocked.Increment(ref done) % 500 == 0) Console.WriteLine($"  {done:N0} shoppers replayed, {watch.Elapsed.TotalSeconds:F0} s");
        });
        await Task.WhenAll(byUser.Keys.Select(user => grains.GetGrain<IUserGrain>(user).WaitForDeliveries()));
        Console.WriteLine($"replayed {total:N0} events of {byUser.Count:N0} shoppers from {Path.GetFileName(trainFile)} in {watch.Elapsed.TotalSeconds:F0} s");
        return byUser.Keys.Order(StringComparer.Ordinal).ToList();
    }

    private static void Report(string what, EmbeddingManifest model, TimeSpan wall) =>
        Console.WriteLine($"{what}: version {model.Version}, {model.Users:N0} users, {model.Items:N0} items, {model.Interactions:N0} interactions; " +
            $"read {model.ReadTime.TotalSeconds:F1} s, trained {model.TrainTime.TotalSeconds:F1} s, {wall.TotalSeconds:F1} s in all");
}
