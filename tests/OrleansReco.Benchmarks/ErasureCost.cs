using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansReco.Grains.Hosting;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Testing;

namespace OrleansReco.Benchmarks;

/// <summary>
/// What erasing a shopper with a full history costs on a cluster that is busy with event traffic: the time each
/// erasure takes, the grain calls it causes, and what it does to the event rate of everyone else, measured side by
/// side in one run (a phase of traffic alone, then the same traffic while shoppers are erased one after another).
/// In-process cluster of two silos on memory storage: it measures the grains' work, not a storage service.
/// </summary>
public static class ErasureCost
{
    private const int CatalogueSize = 2_000;
    private const int BackgroundShoppers = 1_000;
    private const int BackgroundWriters = 4;
    private const int HistoryItems = 200;
    private const int Rounds = 4;

    private sealed record Phase(long Events = 0, double Seconds = 0)
    {
        public double EventsPerSecond => Events / Seconds;
        public Phase Add(Phase other) => new(Events + other.Events, Seconds + other.Seconds);
    }

    public static async Task Run(int erasures)
    {
        var calls = new TracedCallCounter();
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false; // the test host's default writes every silo's log under ./logs
        builder.ConfigureSilo((_, silo) =>
        {
            // Production's neighbourhood cache and delivery timing, not the tests' always-recompute and write-at-once.
            silo.AddRecoForTests(model => model.NeighbourhoodMaxAge = TimeSpan.FromSeconds(1));
            silo.Services.Configure<DeliveryOptions>(options =>
            {
                var production = new DeliveryOptions();
                options.CheckpointInterval = production.CheckpointInterval;
                options.OutboxWriteDelay = production.OutboxWriteDelay;
            });
            silo.AddIncomingGrainCallFilter(calls);
        });
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        var grains = cluster.Client;

        Console.WriteLine($"cluster: 2 silos in-process, memory storage; catalogue {CatalogueSize:N0} items");
        var doomed = await SeedShoppersToErase(grains, erasures);
        await WarmUp(grains);

        // Alternating rounds, so that drift over the run (tiering, activations, GC) falls on both sides alike.
        var timings = new List<double>();
        var callCounts = new List<IReadOnlyDictionary<string, int>>();
        var alone = new Phase();
        var withErasures = new Phase();
        foreach (var round in doomed.Chunk((doomed.Count + Rounds - 1) / Rounds))
        {
            var erasing = await Traffic(grains, async () =>
            {
                foreach (var user in round)
                {
                    var watch = Stopwatch.StartNew();
                    var (receipt, seen) = await calls.Trace(() =>
                        grains.GetGrain<IUserGrain>(user).Erase(new ErasureRequest(Guid.NewGuid(), "salt", "hash")));
                    timings.Add(watch.Elapsed.TotalMilliseconds);
                    callCounts.Add(seen);
                    if (receipt.HistoryItemsRetracted != HistoryItems)
                    {
                        throw new InvalidOperationException($"erased {receipt.HistoryItemsRetracted} history items, expected {HistoryItems}");
                    }
                }
            });
            withErasures = withErasures.Add(erasing);
            alone = alone.Add(await Traffic(grains, () => Task.Delay(TimeSpan.FromSeconds(erasing.Seconds))));
        }

        Report(timings, callCounts, alone, withErasures);
    }

    /// <summary>Shoppers whose histories hold exactly <see cref="HistoryItems"/> distinct items.</summary>
    private static async Task<List<string>> SeedShoppersToErase(IGrainFactory grains, int count)
    {
        var random = new Random(7);
        var users = Enumerable.Range(0, count).Select(i => $"erase-me-{i}").ToList();
        foreach (var user in users)
        {
            var items = Enumerable.Range(0, CatalogueSize).OrderBy(_ => random.Next()).Take(HistoryItems);
            var events = items.Select((item, n) => new BehaviourEvent(Item(item), EventType.View, DateTimeOffset.UtcNow.AddSeconds(n - HistoryItems)));
            foreach (var batch in events.Chunk(50))
            {
                await grains.GetGrain<IUserGrain>(user).Record(batch);
            }
        }
        await Task.WhenAll(users.Select(user => grains.GetGrain<IUserGrain>(user).WaitForDeliveries()));
        return users;
    }

    /// <summary>Every background shopper active and the code paths jitted before anything is measured.</summary>
    private static async Task WarmUp(IGrainFactory grains)
    {
        foreach (var chunk in Enumerable.Range(0, BackgroundShoppers).Chunk(BackgroundShoppers / BackgroundWriters))
        {
            await Task.WhenAll(chunk.Select(n => grains.GetGrain<IUserGrain>($"shopper-{n}")
                .Record([new BehaviourEvent(Item(n % CatalogueSize), EventType.View, DateTimeOffset.UtcNow)])));
        }
        await Traffic(grains, () => Task.Delay(TimeSpan.FromSeconds(5)));
    }

    /// <summary>Single-event writers over the background shoppers for as long as <paramref name="during"/> runs.</summary>
    private static async Task<Phase> Traffic(IGrainFactory grains, Func<Task> during)
    {
        using var stop = new CancellationTokenSource();
        long events = 0;
        var watch = Stopwatch.StartNew();
        var writers = Enumerable.Range(0, BackgroundWriters).Select(seed => Task.Run(async () =>
        {
            var random = new Random(seed);
            while (!stop.IsCancellationRequested)
            {
                var user = grains.GetGrain<IUserGrain>($"shopper-{random.Next(BackgroundShoppers)}");
                await user.Record([new BehaviourEvent(Item(random.Next(CatalogueSize)), (EventType)random.Next(3), DateTimeOffset.UtcNow)]);
                Interlocked.Increment(ref events);
            }
        })).ToList();

        await during();
        var seconds = watch.Elapsed.TotalSeconds;
        var counted = Interlocked.Read(ref events);
        stop.Cancel();
        await Task.WhenAll(writers);
        return new Phase(counted, seconds);
    }

    private static void Report(List<double> timings, List<IReadOnlyDictionary<string, int>> callCounts,
        Phase alone, Phase withErasures)
    {
        timings.Sort();
        double Percentile(double p) => timings[Math.Min(timings.Count - 1, (int)Math.Ceiling(p * timings.Count) - 1)];
        Console.WriteLine($"erasures: {timings.Count} shoppers with {HistoryItems} history items each, one after another, under event traffic");
        Console.WriteLine($"time per erasure: p50 {Percentile(0.5):F1} ms, p90 {Percentile(0.9):F1} ms, max {timings[^1]:F1} ms");

        var total = callCounts.Select(c => c.Values.Sum()).Order().ToList();
        Console.WriteLine($"grain calls per erasure: min {total[0]}, max {total[^1]}; by method (median):");
        foreach (var method in callCounts.SelectMany(c => c.Keys).Distinct().Order())
        {
            var counts = callCounts.Select(c => c.GetValueOrDefault(method)).Order().ToList();
            Console.WriteLine($"  {method,-40} {counts[counts.Count / 2],6}");
        }

        Console.WriteLine($"background events/s ({BackgroundWriters} writers, {BackgroundShoppers:N0} shoppers): " +
            $"alone {alone.EventsPerSecond:F0} ({alone.Seconds:F1} s), during erasures {withErasures.EventsPerSecond:F0} ({withErasures.Seconds:F1} s), " +
            $"ratio {withErasures.EventsPerSecond / alone.EventsPerSecond:F2}");
    }

    private static string Item(int n) => $"item-{n}";
}
