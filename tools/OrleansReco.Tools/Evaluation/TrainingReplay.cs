using System.Diagnostics;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Tools.Synthetic;

namespace OrleansReco.Tools.Evaluation;

/// <summary>
/// Feeds training events to the user grains in time order, as a shop would have sent them. Only each user's own
/// order matters to the model (item aggregates are sums of per-user contributions), so events are taken a day at a
/// time: within a day every user's events go as one batch, in their order, and different users go in parallel.
/// </summary>
public static class TrainingReplay
{
    private const int MaxBatch = 1_000;

    public sealed record Result(long Events, int Users, TimeSpan Elapsed)
    {
        public double EventsPerSecond => Events / Elapsed.TotalSeconds;
    }

    public static async Task<Result> RunAsync(
        EvaluationCluster cluster, IReadOnlyList<StorefrontEvent> events, int parallelism, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var days = events
            .Select((e, order) => (Event: e, Order: order))
            .OrderBy(x => x.Event.Timestamp).ThenBy(x => x.Order) // stable: equal times keep the file's order
            .GroupBy(x => x.Event.Timestamp.UtcDateTime.Date);
        var users = new HashSet<string>(StringComparer.Ordinal);
        foreach (var day in days)
        {
            var batches = day
                .GroupBy(x => x.Event.UserId, StringComparer.Ordinal)
                .Select(g => (User: g.Key, Events: g.Select(x => ToBehaviour(x.Event)).ToList()))
                .ToList();
            users.UnionWith(batches.Select(b => b.User));
            await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
                async (batch, _) =>
                {
                    var grain = cluster.Grains.GetGrain<IUserGrain>(cluster.Pseudonym(batch.User));
                    foreach (var chunk in batch.Events.Chunk(MaxBatch))
                    {
                        await grain.Record(chunk);
                    }
                });
        }
        return new Result(events.Count, users.Count, watch.Elapsed);
    }

    private static BehaviourEvent ToBehaviour(StorefrontEvent e) => new(e.ItemId, e.Type switch
    {
        StorefrontEventType.Purchase => EventType.Purchase,
        StorefrontEventType.Cart => EventType.Cart,
        _ => EventType.View,
    }, e.Timestamp);
}
