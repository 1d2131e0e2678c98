namespace OrleansReco.Grains.Hosting;

/// <summary>
/// Sends messages to many targets (grains) with at most one call in flight per target: what arrives for a target
/// while its call runs waits and goes with everything else waiting in the next call. Idle, a message goes at once;
/// busy, many small calls to a hot target become a few large ones, and each message still waits for the call that
/// carried it, so its sender learns exactly whether it arrived (and what the call answered). Messages for one target
/// keep their order. With <c>maxCallsInFlight</c> reached, a target with messages waits for a free call, in the order
/// targets got messages, and gathers more meanwhile: under load the batches grow instead of the calls multiplying.
/// One per silo, shared by its grains (hence the lock); calls leave the callers' grain contexts after their start.
/// </summary>
public sealed class PerTargetBatcher<TTarget, TMessage, TResult>(
    Func<TTarget, IReadOnlyList<TMessage>, Task<TResult>> send, int maxBatch, int maxCallsInFlight = int.MaxValue)
    where TTarget : notnull
{
    /// <summary>The targets with a call in flight or messages waiting, and what waits for each of them.</summary>
    private readonly Dictionary<TTarget, Queue<Waiting>> _pending = new();

    /// <summary>Targets with messages waiting and no call in flight, in the order they got there.</summary>
    private readonly Queue<TTarget> _ready = new();

    private readonly Lock _lock = new();
    private int _callsInFlight;

    /// <summary>Completes with the answer of the call that carried <paramref name="message"/>, or fails as it did.</summary>
    public Task<TResult> Send(TTarget target, TMessage message)
    {
        var waiting = new Waiting(message);
        lock (_lock)
        {
            if (_pending.TryGetValue(target, out var queue))
            {
                queue.Enqueue(waiting);
                return waiting.Done.Task;
            }
            queue = new Queue<Waiting>();
            _pending[target] = queue;
            if (_callsInFlight >= maxCallsInFlight)
            {
                queue.Enqueue(waiting);
                _ready.Enqueue(target);
                return waiting.Done.Task;
            }
            _callsInFlight++;
        }
        _ = SendWhileWaiting(target, [waiting]);
        return waiting.Done.Task;
    }

    /// <summary>Holds one of the calls in flight: sends, then passes it on to the longest-waiting ready target.</summary>
    private async Task SendWhileWaiting(TTarget target, List<Waiting> batch)
    {
        while (true)
        {
            try
            {
                var result = await send(target, batch.ConvertAll(w => w.Message)).ConfigureAwait(false);
                batch.ForEach(w => w.Done.SetResult(result));
            }
            catch (Exception exception)
            {
                batch.ForEach(w => w.Done.SetException(exception));
            }

            lock (_lock)
            {
                if (_pending[target].Count == 0)
                {
                    _pending.Remove(target);
                }
                else
                {
                    _ready.Enqueue(target); // behind the targets that waited for a call meanwhile
                }
                if (!_ready.TryDequeue(out target!))
                {
                    _callsInFlight--;
                    return;
                }
                var queue = _pending[target];
                batch = new List<Waiting>(Math.Min(queue.Count, maxBatch));
                while (batch.Count < maxBatch && queue.TryDequeue(out var next))
                {
                    batch.Add(next);
                }
            }
        }
    }

    private sealed class Waiting(TMessage message)
    {
        public TMessage Message { get; } = message;

        // Asynchronous continuations: completing a batch must not run its senders' code on this loop.
        public TaskCompletionSource<TResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
