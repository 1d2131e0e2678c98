using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Grains.Hosting;

/// <summary>
/// Waits for aggregate grains' checkpoints on behalf of many senders, with at most one wait call in flight per target:
/// a receipt that the call in flight already covers (same activation, same or earlier checkpoint) rides on it, the
/// rest go together in the next call, which waits for the newest of them. So however many changes of a silo wait for
/// an item's next checkpoint, the silo makes one call for them. One per silo, shared by its grains (hence the lock).
/// </summary>
public sealed class CheckpointWaits<TTarget>(Func<TTarget, CheckpointReceipt, bool, Task> waitDurable)
    where TTarget : notnull
{
    private readonly Dictionary<TTarget, Target> _targets = new();
    private readonly Lock _lock = new();

    /// <summary>
    /// Completes once <paramref name="receipt"/>'s checkpoint is durable, or fails as the wait did (a
    /// <see cref="CheckpointLostException"/> when that activation is gone). An urgent wait asks for the checkpoint now
    /// and never waits behind a call that did not.
    /// </summary>
    public Task Wait(TTarget target, CheckpointReceipt receipt, bool urgent = false)
    {
        if (urgent)
        {
            return waitDurable(target, receipt, true);
        }
        var waiter = new Waiter(receipt);
        lock (_lock)
        {
            if (!_targets.TryGetValue(target, out var state))
            {
                _targets[target] = state = new Target(receipt);
                state.Riding.Add(waiter);
            }
            else if (state.InFlight.Activation == receipt.Activation && state.InFlight.Checkpoint >= receipt.Checkpoint)
            {
                state.Riding.Add(waiter);
                return waiter.Done.Task;
            }
            else
            {
                state.Queued.Add(waiter);
                return waiter.Done.Task;
            }
        }
        _ = WaitWhileQueued(target, receipt);
        return waiter.Done.Task;
    }

    private async Task WaitWhileQueued(TTarget target, CheckpointReceipt receipt)
    {
        while (true)
        {
            Exception? failure = null;
            try
            {
                await waitDurable(target, receipt, false).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                failure = exception;
            }

            List<Waiter> done;
            lock (_lock)
            {
                var state = _targets[target];
                done = state.Riding;
                // A failed wait means that activation's checkpoints will not complete (or cannot be confirmed): its other
                // receipts fail with it, and their senders deliver again.
                var waiting = new List<Waiter>();
                foreach (var queued in state.Queued)
                {
                    var settled = queued.Receipt.Activation == receipt.Activation
                        && (failure is not null || queued.Receipt.Checkpoint <= receipt.Checkpoint);
                    (settled ? done : waiting).Add(queued);
                }
                if (waiting.Count == 0)
                {
                    _targets.Remove(target);
                    receipt = null!;
                }
                else
                {
                    // The next call waits for the newest checkpoint of the activation that has waited longest.
                    var activation = waiting[0].Receipt.Activation;
                    state.Riding = [];
                    state.Queued = [];
                    foreach (var queued in waiting)
                    {
                        (queued.Receipt.Activation == activation ? state.Riding : state.Queued).Add(queued);
                    }
                    receipt = state.Riding.MaxBy(w => w.Receipt.Checkpoint)!.Receipt;
                    state.InFlight = receipt;
                }
            }

            foreach (var waiter in done)
            {
                if (failure is null) waiter.Done.SetResult();
                else waiter.Done.SetException(failure);
            }
            if (receipt is null)
            {
                return;
            }
        }
    }

    private sealed class Target(CheckpointReceipt inFlight)
    {
        public CheckpointReceipt InFlight { get; set; } = inFlight;
        public List<Waiter> Riding { get; set; } = [];
        public List<Waiter> Queued { get; set; } = [];
    }

    private sealed class Waiter(CheckpointReceipt receipt)
    {
        public CheckpointReceipt Receipt { get; } = receipt;

        // Asynchronous continuations: completing waiters must not run their senders' code on this loop.
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
