using System.Diagnostics;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Tools.Synthetic;

namespace OrleansReco.Tools.Evaluation;

/// <summary>
/// Feeds training events to the user grains in time order, as a shop would have sent them: each user's events of
/// one day go as one batch, in their order, and batches are started in the order of their first event, with up to
/// <c>parallelism</c> of them in flight at once, as concurrent shoppers' requests overlap. A user's batch starts only
/// after that user's previous batch was acknowledged. Nothing else waits: only each user's own order matters to the
/// model (item aggregates are sums of per-user contributions), so a slow shopper does not hold up the others. The
/// replay ends once every item holds every change (acknowledgement comes before the items have them), so what is
/// timed is the whole way to the aggregates.
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
        var batches = Batches(events);
        var previousOfUser = new Dictionary<string, Task>(StringComparer.Ordinal);
        var slots = new SemaphoreSlim(parallelism);
        foreach (var batch in batches)
        {
            await slots.WaitAsync(cancellationToken);
            var previous = previousOfUser.GetValueOrDefault(batch.User, Task.CompletedTask);
            previousOfUser[batch.User] = SendAfter(previous, cluster.Grains.GetGrain<IUserGrain>(cluster.Pseudonym(batch.User)), batch.Events, slots);
        }
        // A user's last batch ends after, and fails with, every earlier one of theirs.
        await Task.WhenAll(previousOfUser.Values);
        await Task.WhenAll(previousOfUser.Keys.Select(user => cluster.Grains.GetGrain<IUserGrain>(cluster.Pseudonym(user)).WaitForDeliveries()));
        return new Result(events.Count, previousOfUser.Count, watch.Elapsed);
    }

    /// <summary>The events by time; equal times keep the file's order (OrderBy is a stable sort).</summary>
    public static IEnumerable<StorefrontEvent> InTimeOrder(IEnumerable<StorefrontEvent> events) => events.OrderBy(e => e.Timestamp);

    /// <summary>One batch per user and day, ordered by the batch's first event.</summary>
    private static List<(string User, List<BehaviourEvent> Events)> Batches(IReadOnlyList<StorefrontEvent> events) => InTimeOrder(events)
        .GroupBy(e => (e.UserId, e.Timestamp.UtcDateTime.Date)) // groups keep the order of their first element
        .Select(g => (g.Key.UserId, g.Select(ToBehaviour).ToList()))
        .ToList();

    private static async Task SendAfter(Task previous, IUserGrain grain, List<BehaviourEvent> events, SemaphoreSlim slots)
    {
        try
        {
            await previous;
            foreach (var chunk in events.Chunk(MaxBatch))
            {
                await grain.Record(chunk);
            }
        }
        finally
        {
            slots.Release();
        }
    }

    private static BehaviourEvent ToBehaviour(StorefrontEvent e) => new(e.ItemId, e.Type switch
    {
        StorefrontEventType.Purchase => EventType.Purchase,
        StorefrontEventType.Cart => EventType.Cart,
        _ => EventType.View,
    }, e.Timestamp);
}
