using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Grains.Hosting;

/// <summary>
/// How a silo's grains deliver changes to aggregate grains (items, index shards): applied in per-target batches
/// (<see cref="PerTargetBatcher{TTarget,TMessage,TResult}"/>), then confirmed durable through per-target checkpoint
/// waits (<see cref="CheckpointWaits{TTarget}"/>). A delivery completes when the target's checkpoint holds the message,
/// and fails when the target did not take it or lost it before its checkpoint: the sender delivers it again, which the
/// target recognises if it had taken it. One per silo and kind of target.
/// </summary>
public sealed class DurableDeliveries<TTarget, TMessage>
    where TTarget : notnull
{
    private readonly PerTargetBatcher<TTarget, TMessage, CheckpointReceipt> _apply;
    private readonly CheckpointWaits<TTarget> _waits;
    private readonly int _maxBacklog;
    private readonly string _targetKind;
    private readonly Lock _lock = new();
    private List<TaskCompletionSource>? _admissions;
    private int _inFlight;

    /// <param name="targetKind">What the targets are (item, index), for the backlog in the metrics.</param>
    /// <param name="maxBacklog">
    /// Deliveries in flight beyond which <see cref="Admission"/> makes new work wait: a ceiling for overload (storage
    /// down, a target failing), far above what a healthy silo holds, so memory stays bounded when targets cannot keep up.
    /// </param>
    public DurableDeliveries(
        string targetKind,
        Func<TTarget, IReadOnlyList<TMessage>, Task<CheckpointReceipt>> apply,
        Func<TTarget, CheckpointReceipt, bool, Task> waitDurable,
        int maxBatch,
        int maxCallsInFlight,
        int maxBacklog)
    {
        _apply = new PerTargetBatcher<TTarget, TMessage, CheckpointReceipt>(apply, maxBatch, maxCallsInFlight);
        _waits = new CheckpointWaits<TTarget>(waitDurable);
        _maxBacklog = maxBacklog;
        _targetKind = targetKind;
    }

    /// <summary>Completes once <paramref name="message"/> is applied and a durable checkpoint of the target holds it.</summary>
    public async Task Deliver(TTarget target, TMessage message, bool urgent = false)
    {
        Interlocked.Increment(ref _inFlight);
        RecoMetrics.DeliveryStarted(_targetKind);
        try
        {
            var receipt = await _apply.Send(target, message).ConfigureAwait(false);
            await _waits.Wait(target, receipt, urgent).ConfigureAwait(false);
        }
        finally
        {
            RecoMetrics.DeliveryEnded(_targetKind);
            if (Interlocked.Decrement(ref _inFlight) < _maxBacklog)
            {
                ReleaseAdmissions();
            }
        }
    }

    /// <summary>Completes once <paramref name="message"/> is applied: for messages whose loss costs nothing but memory.</summary>
    public Task Post(TTarget target, TMessage message) => _apply.Send(target, message);

    /// <summary>Completes at once unless the backlog is at its ceiling; then once it is below.</summary>
    public Task Admission()
    {
        if (Volatile.Read(ref _inFlight) < _maxBacklog)
        {
            return Task.CompletedTask;
        }
        lock (_lock)
        {
            var admission = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (_admissions ??= []).Add(admission);
            if (Volatile.Read(ref _inFlight) < _maxBacklog)
            {
                ReleaseAdmissionsLocked();
            }
            return admission.Task;
        }
    }

    private void ReleaseAdmissions()
    {
        if (Volatile.Read(ref _admissions) is null)
        {
            return;
        }
        lock (_lock)
        {
            ReleaseAdmissionsLocked();
        }
    }

    private void ReleaseAdmissionsLocked()
    {
        _admissions?.ForEach(a => a.SetResult());
        _admissions = null;
    }
}
