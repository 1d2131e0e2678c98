namespace OrleansReco.Grains.Storage;

/// <summary>
/// Group commit for reentrant grains: at most one state write runs at a time, and every caller that arrives while
/// one runs joins the single next write, which will include its change. Each caller's task completes only once a
/// write that started after its change succeeded, so "acknowledged" still means "durable".
/// Relies on the grain's single-threaded scheduler: no locks.
/// A failed write leaves the grain's memory ahead of storage, so <paramref name="onFailure"/> (typically
/// DeactivateOnIdle) lets the next call start again from what is stored.
/// </summary>
public sealed class CoalescingStateWriter(Func<Task> write, Action? onFailure = null)
{
    private TaskCompletionSource? _next;
    private bool _running;

    public Task WriteAsync()
    {
        _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var joined = _next.Task;
        if (!_running)
        {
            _ = PumpAsync();
        }
        return joined;
    }

    private async Task PumpAsync()
    {
        _running = true;
        try
        {
            while (_next is { } batch)
            {
                _next = null;
                try
                {
                    await write();
                    batch.SetResult();
                }
                catch (Exception exception)
                {
                    onFailure?.Invoke();
                    batch.SetException(exception);
                }
            }
        }
        finally
        {
            _running = false;
        }
    }
}
