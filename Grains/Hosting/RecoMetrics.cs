using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrleansReco.Grains.Hosting;

/// <summary>
/// The silo's own measurements, on the meter <see cref="MeterName"/>, exported beside Orleans' and ASP.NET Core's at
/// <c>/metrics</c>. Every tag is drawn from a closed set (an outcome, a kind, an operation), never a user id, a
/// pseudonym or an item id. A static meter, never disposed: a grain, a store and a delivery reach it without
/// constructor plumbing, and disposing a meter stops every meter of its name in the process
/// (open-telemetry/opentelemetry-dotnet#6412), which a meter per silo would do in a process of several (tests).
/// </summary>
public static class RecoMetrics
{
    public const string MeterName = "OrleansReco";

    private static readonly Meter Meter = new(MeterName);

    // Bucket bounds in seconds, from a checkpoint's milliseconds to a training's minutes (the exporter's own default
    // bounds are for milliseconds).
    private static readonly InstrumentAdvice<double> Seconds = new()
    {
        HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60, 300, 900],
    };

    private static readonly Counter<long> Events = Meter.CreateCounter<long>(
        "orleansreco.events", "{event}",
        "Events that reached a shopper's grain, by outcome: recorded, duplicate (its eventId was recorded before) or dropped (the shopper withdrew consent).");

    private static readonly UpDownCounter<long> DeliveriesInFlight = Meter.CreateUpDownCounter<long>(
        "orleansreco.deliveries.in_flight", "{delivery}",
        "Changes handed to items (target=item) and stats to index shards (target=index) and not yet in a durable checkpoint: the delivery backlog.");

    private static readonly Histogram<double> DeliveryLag = Meter.CreateHistogram<double>(
        "orleansreco.delivery.lag", "s",
        "From a shopper's write to every item holding the change in a durable checkpoint (about the checkpoint interval; other shoppers see the change sooner, once the items apply it in memory).",
        advice: Seconds);

    private static readonly Histogram<double> Checkpoints = Meter.CreateHistogram<double>(
        "orleansreco.checkpoint.duration", "s",
        "Checkpoints of items (owner=item) and index shards (owner=index), by outcome; their count is the checkpoint writes.",
        advice: Seconds);

    private static readonly Counter<long> StorageErrors = Meter.CreateCounter<long>(
        "orleansreco.storage.errors", "{error}",
        "Failed table-service requests, by operation, and whether asking again can mend them (transient) or not.");

    private static readonly Histogram<double> Erasures = Meter.CreateHistogram<double>(
        "orleansreco.erasure.duration", "s",
        "Erasures, from the shopper's turn to the receipt (every item holds the retraction durably by then), by outcome.",
        advice: Seconds);

    private static readonly Histogram<double> Trainings = Meter.CreateHistogram<double>(
        "orleansreco.model.training.duration", "s", "Trainings of the embedding model, reading the histories included, by outcome.",
        advice: Seconds);

    // The model this process serves last loaded; one silo per process in production.
    private static long s_modelVersion;
    private static long s_modelTrainedAtUnixMs;

    static RecoMetrics()
    {
        Meter.CreateObservableGauge("orleansreco.model.version", ObserveModelVersion, "{version}", "Version of the embedding model the silo serves (absent until one is trained).");
        Meter.CreateObservableGauge("orleansreco.model.age", ObserveModelAge, "s", "Time since the served embedding model was trained.");
    }

    public static void EventsRecorded(int recorded, int duplicates)
    {
        if (recorded > 0) Events.Add(recorded, new KeyValuePair<string, object?>("outcome", "recorded"));
        if (duplicates > 0) Events.Add(duplicates, new KeyValuePair<string, object?>("outcome", "duplicate"));
    }

    public static void EventsDropped(int count) => Events.Add(count, new KeyValuePair<string, object?>("outcome", "dropped"));

    public static void DeliveryStarted(string target) => DeliveriesInFlight.Add(1, new KeyValuePair<string, object?>("target", target));

    public static void DeliveryEnded(string target) => DeliveriesInFlight.Add(-1, new KeyValuePair<string, object?>("target", target));

    public static void ChangeDelivered(long writtenAt) => DeliveryLag.Record(Stopwatch.GetElapsedTime(writtenAt).TotalSeconds);

    public static void Checkpoint(string owner, long startedAt, bool succeeded) =>
        Checkpoints.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds,
            new KeyValuePair<string, object?>("owner", owner), Outcome(succeeded));

    public static void StorageError(string operation, bool transient) =>
        StorageErrors.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("transient", transient));

    public static void Erasure(long startedAt, bool succeeded) =>
        Erasures.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, Outcome(succeeded));

    public static void Training(long startedAt, bool succeeded) =>
        Trainings.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, Outcome(succeeded));

    public static void ModelServed(long version, DateTimeOffset trainedAt)
    {
        Interlocked.Exchange(ref s_modelTrainedAtUnixMs, trainedAt.ToUnixTimeMilliseconds());
        Interlocked.Exchange(ref s_modelVersion, version);
    }

    private static KeyValuePair<string, object?> Outcome(bool succeeded) => new("outcome", succeeded ? "succeeded" : "failed");

    private static IEnumerable<Measurement<long>> ObserveModelVersion()
    {
        var version = Interlocked.Read(ref s_modelVersion);
        return version > 0 ? [new Measurement<long>(version)] : [];
    }

    private static IEnumerable<Measurement<double>> ObserveModelAge()
    {
        if (Interlocked.Read(ref s_modelVersion) == 0) return [];
        var trainedAt = DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Read(ref s_modelTrainedAtUnixMs));
        return [new Measurement<double>((DateTimeOffset.UtcNow - trainedAt).TotalSeconds)];
    }
}
