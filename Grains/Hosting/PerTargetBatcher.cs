namespace OrleansReco.Grains.Hosting;

/// <summary>
/// Sends messages to many targets (grains) with at most one call in flight per target: what arrives for a target
/// while its call runs waits and goes with everything else waiting in the next call. Idle, a message goes at once;
/// busy, many small calls to a hot target become a few large ones, and each message still waits for the call that
/// carried it, so its sender learns exactly whether it arrived. Messages for one target keep their order.
/// One per silo, shared by its grains (hence the lock); calls leave the callers' grain contexts after their start.
/// </summary>
public sealed class PerTargetBatcher<TTarget, TMessage>(Func<TTarget, IReadOnlyList<TMessage>, Task> send, int maxBatch)
    where TTarget : notnull
{
    /// <summary>The targets with a call in flight, and what waits for each of them.</summary>
    private readonly Dictionary<TTarget, Queue<Waiting>> _busy = new();
    private readonly Lock _lock = new();

    public Task Send(TTarget target, TMessage message)
    {
        var waiting = new Waiting(message);
        lock (_lock)
        {
            if (_busy.TryGetValue(target, out var queue))
            {
                queue.Enqueue(waiting);
                return waiting.Done.Task;
            }
            _busy[target] = new Queue<Waiting>();
        }
        _ = SendWhileWaiting(target, [waiting]);
        return waiting.Done.Task;
    }

    private async Task SendWhileWaiting(TTarget target, List<Waiting> batch)
    {
        while (true)
        {
            try
            {
                await send(target, batch.ConvertAll(w => w.Message)).ConfigureAwait(false);
                batch.ForEach(w => w.Done.SetResult());
            }
            catch (Exception exception)
            {
                batch.ForEach(w => w.Done.SetException(exception));
            }

            lock (_lock)
            {
                var queue = _busy[target];
                if (queue.Count == 0)
                {
                    _busy.Remove(target);
                    return;
                }
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
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
