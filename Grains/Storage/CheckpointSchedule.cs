using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Grains.Storage;

/// <summary>
/// When an aggregate grain writes: changes collect in the open checkpoint, which is written at the grain's next turn
/// in the interval, sooner once enough has changed or a caller is in a hurry; one checkpoint at a time. Turns are
/// aligned on the clock at the grain's phase: grains of one phase write together and share storage requests, and the
/// phases spread a silo's checkpoints over the interval (all at one instant, they stalled every request of the silo
/// while they ran). Callers hold the receipt of the checkpoint their change is in and learn when it is durable. A
/// failed checkpoint leaves the grain's memory ahead of storage: every waiter of it and of later ones fails and
/// <c>onFailure</c> (deactivation) runs.
/// Runs on the grain's scheduler: no locks.
/// <para>
/// The wait for the next boundary is a delay on the grain's scheduler, not an Orleans grain timer: a timer's tick is a
/// message, and an activation that starts to deactivate takes no more messages until its running requests end. Those
/// include the waits for this very checkpoint, which would then never come.
/// </para>
/// </summary>
public sealed class CheckpointSchedule
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly long _phaseTicks;
    private readonly int _changesPerCheckpoint;
    private readonly Func<Task> _checkpoint;
    private readonly Action _onFailure;
    private readonly List<(long Checkpoint, TaskCompletionSource Done)> _waiters = [];
    private bool _armed;

    /// <summary>Counts the waits for a boundary started, so that one overtaken by an earlier checkpoint does nothing.</summary>
    private long _arming;
    private Task? _running;
    private bool _runAgainAtOnce;
    private long _open = 1;
    private long _durable;
    private bool _dirty;
    private int _changes;
    private Exception? _failure;

    /// <param name="phase">Where in each interval this grain writes, as a fraction of it in [0, 1) (<see cref="IAggregateRowStore.CheckpointPhase"/>).</param>
    /// <param name="changesPerCheckpoint">How much change (as the grain counts it) makes a checkpoint go before its time.</param>
    public CheckpointSchedule(TimeProvider time, TimeSpan interval, double phase, int changesPerCheckpoint, Func<Task> checkpoint, Action onFailure)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(phase);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(phase, 1.0);
        _time = time;
        _interval = interval;
        _phaseTicks = (long)(interval.Ticks * phase);
        _changesPerCheckpoint = changesPerCheckpoint;
        _checkpoint = checkpoint;
        _onFailure = onFailure;
    }

    /// <summary>Random per activation: what a receipt of another activation is told apart by.</summary>
    public Guid Activation { get; } = Guid.NewGuid();

    /// <summary>The receipt of the open checkpoint: once it is durable, so is everything applied before now.</summary>
    public CheckpointReceipt Receipt => new(Activation, _open);

    /// <summary>Records that the state changed by <paramref name="changes"/>; returns the receipt of the checkpoint that will hold it.</summary>
    public CheckpointReceipt Changed(int changes = 1)
    {
        if (_failure is not null)
        {
            // This activation is on its way out: no checkpoint of it will count, so no sender may rely on one.
            throw FailedActivation(_failure);
        }
        _dirty = true;
        _changes += changes;
        if (_changes >= _changesPerCheckpoint)
        {
            RunSoon();
        }
        else
        {
            Arm();
        }
        return Receipt;
    }

    /// <summary>Completes once the checkpoint of <paramref name="receipt"/> is durable (at once if it holds nothing).</summary>
    /// <exception cref="CheckpointLostException">The receipt is another activation's, or this one failed to write.</exception>
    public Task WhenDurable(CheckpointReceipt receipt, bool urgent)
    {
        if (receipt.Activation != Activation)
        {
            throw new CheckpointLostException("The activation that took this change is gone; deliver it again.");
        }
        if (_failure is not null)
        {
            throw FailedActivation(_failure);
        }
        if (IsDurable(receipt.Checkpoint))
        {
            return Task.CompletedTask;
        }
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters.Add((receipt.Checkpoint, done));
        if (urgent && receipt.Checkpoint == _open)
        {
            RunSoon();
        }
        return done.Task;
    }

    /// <summary>Writes what is open now and waits for it: for deactivation.</summary>
    /// <param name="evenIfUnchanged">Write although no change was recorded (the grain has something of its own to store).</param>
    public async Task FlushAsync(bool evenIfUnchanged = false)
    {
        while (_running is { } running)
        {
            await running;
        }
        if ((_dirty || evenIfUnchanged) && _failure is null)
        {
            await (_running = Run());
        }
    }

    /// <summary>Everything up to and including <paramref name="checkpoint"/> is written, or it holds nothing.</summary>
    private bool IsDurable(long checkpoint) =>
        _durable >= checkpoint || (checkpoint == _open && !_dirty && _running is null);

    private void Arm()
    {
        if (_armed || _running is not null)
        {
            return; // a running checkpoint arms the next one when it ends
        }
        _armed = true;
        _ = RunAtBoundary(DueIn(_time.GetUtcNow(), _interval, _phaseTicks), ++_arming);
    }

    /// <summary>How long from <paramref name="now"/> to the next point <paramref name="phaseTicks"/> past a multiple of the interval.</summary>
    internal static TimeSpan DueIn(DateTimeOffset now, TimeSpan interval, long phaseTicks)
    {
        var ticks = interval.Ticks;
        return ticks <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks(ticks - (now.UtcTicks - phaseTicks) % ticks);
    }

    private static CheckpointLostException FailedActivation(Exception failure) =>
        new("This activation failed to write a checkpoint; deliver again.", failure);

    /// <summary>Continues on the grain's scheduler, which captured the delay.</summary>
    private async Task RunAtBoundary(TimeSpan due, long arming)
    {
        await Task.Delay(due, _time);
        if (arming != _arming || !_armed)
        {
            return; // a checkpoint went sooner, and armed (or will arm) its own successor
        }
        _armed = false;
        if (_running is null && _dirty)
        {
            _running = Run();
        }
    }

    private void RunSoon()
    {
        if (_running is not null)
        {
            _runAgainAtOnce = true;
            return;
        }
        _armed = false;
        _running = Run();
    }

    private async Task Run()
    {
        await Task.Yield(); // the caller (a grain call, the timer) goes on; the checkpoint runs in a turn of its own
        var checkpoint = _open++;
        _dirty = false;
        _changes = 0;
        try
        {
            await _checkpoint();
            _durable = checkpoint;
        }
        catch (Exception exception)
        {
            _failure = exception;
        }
        _running = null;

        if (_failure is { } failure)
        {
            foreach (var (_, done) in _waiters)
            {
                done.SetException(FailedActivation(failure));
            }
            _waiters.Clear();
            _onFailure();
            return;
        }
        _waiters.RemoveAll(w =>
        {
            if (!IsDurable(w.Checkpoint)) return false;
            w.Done.SetResult();
            return true;
        });
        if (_dirty)
        {
            if (_runAgainAtOnce || _changes >= _changesPerCheckpoint) RunSoon();
            else Arm();
        }
        _runAgainAtOnce = false;
    }
}
