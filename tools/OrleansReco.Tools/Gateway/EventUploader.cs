using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using OrleansReco.Tools.Synthetic;

namespace OrleansReco.Tools.Gateway;

/// <summary>What an upload did; events per second is measured over the whole upload, reading included.</summary>
public sealed record UploadResult(long Events, long Batches, TimeSpan Elapsed)
{
    public double EventsPerSecond => Elapsed > TimeSpan.Zero ? Events / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// Posts a stream of events in batches with bounded concurrency while keeping each user's events in order.
/// Users are hashed into <c>concurrency</c> partitions; each partition fills its own batches and one worker posts
/// them one after the other, so a user's events reach the gateway in stream order while partitions run in parallel.
/// Memory stays bounded: per partition one batch filling, two queued and one in flight.
/// </summary>
public sealed class EventUploader(
    Func<IReadOnlyList<StorefrontEvent>, CancellationToken, Task> postBatch,
    int concurrency = 4,
    int batchSize = GatewayClient.MaxEventsPerRequest)
{
    private const int QueuedBatchesPerPartition = 2;

    public EventUploader(GatewayClient client, int concurrency = 4, int batchSize = GatewayClient.MaxEventsPerRequest)
        : this(client.PostEventsAsync, concurrency, batchSize)
    {
    }

    /// <summary>Called after each posted batch with the running total of posted events (from worker threads).</summary>
    public Action<long>? Progress { get; init; }

    public async Task<UploadResult> UploadAsync(IEnumerable<StorefrontEvent> events, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batchSize, GatewayClient.MaxEventsPerRequest);

        var stopwatch = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channels = Enumerable.Range(0, concurrency)
            .Select(_ => Channel.CreateBounded<StorefrontEvent[]>(
                new BoundedChannelOptions(QueuedBatchesPerPartition) { SingleReader = true, SingleWriter = true }))
            .ToArray();
        long posted = 0;
        long batches = 0;

        async Task Work(ChannelReader<StorefrontEvent[]> reader)
        {
            try
            {
                await foreach (var batch in reader.ReadAllAsync(stop.Token))
                {
                    await postBatch(batch, stop.Token);
                    Interlocked.Increment(ref batches);
                    // Not Progress?.Invoke(Interlocked.Add(...)): '?.' would skip the count when nobody listens.
                    var total = Interlocked.Add(ref posted, batch.Length);
                    Progress?.Invoke(total);
                }
            }
            catch
            {
                // One failed partition stops the whole upload: the reader and the other workers see the cancellation.
                await stop.CancelAsync();
                throw;
            }
        }

        var workers = channels.Select(c => Task.Run(() => Work(c.Reader), CancellationToken.None)).ToArray();
        Exception? readError = null;
        try
        {
            await Produce(events, channels, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // A worker failed; its exception surfaces from WhenAll below.
        }
        catch (Exception ex)
        {
            readError = ex;
            await stop.CancelAsync();
        }
        finally
        {
            foreach (var channel in channels)
            {
                channel.Writer.TryComplete();
            }
        }

        try
        {
            await Task.WhenAll(workers);
        }
        catch when (readError is not null)
        {
            // The workers were cancelled because reading failed; report the reading error instead.
        }

        if (readError is not null)
        {
            ExceptionDispatchInfo.Throw(readError);
        }

        return new UploadResult(posted, batches, stopwatch.Elapsed);
    }

    /// <summary>Stable across processes (unlike string.GetHashCode), so batch composition is reproducible.</summary>
    public static int PartitionOf(string userId, int partitions)
    {
        var hash = 2166136261u;
        foreach (var c in userId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)partitions);
    }

    private async Task Produce(IEnumerable<StorefrontEvent> events, Channel<StorefrontEvent[]>[] channels, CancellationToken token)
    {
        var buffers = channels.Select(_ => new List<StorefrontEvent>(batchSize)).ToArray();
        foreach (var ev in events)
        {
            var partition = PartitionOf(ev.UserId, channels.Length);
            var buffer = buffers[partition];
            buffer.Add(ev);
            if (buffer.Count == batchSize)
            {
                await channels[partition].Writer.WriteAsync([.. buffer], token);
                buffer.Clear();
            }
        }

        for (var partition = 0; partition < channels.Length; partition++)
        {
            if (buffers[partition].Count > 0)
            {
                await channels[partition].Writer.WriteAsync([.. buffers[partition]], token);
            }
        }
    }
}
