using System.Globalization;

namespace OrleansReco.SystemTests.Infrastructure;

public enum Outcome
{
    /// <summary>2xx: the product promised the event is durable.</summary>
    Acknowledged,

    /// <summary>No answer, or 5xx: the event may or may not have been recorded.</summary>
    InDoubt,
}

/// <param name="Status">The HTTP status, or 0 when no answer came.</param>
public sealed record EventAttempt(string UserId, string ItemId, Outcome Outcome, DateTime Started, DateTime Ended, int Status = 0);

/// <summary>What the load clients sent and what they were told, thread-safe.</summary>
public sealed class TrafficLog
{
    private readonly List<EventAttempt> _attempts = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private int _acknowledged;

    public void Add(EventAttempt attempt)
    {
        lock (_attempts)
        {
            _attempts.Add(attempt);
            if (attempt.Outcome != Outcome.Acknowledged) return;
            _acknowledged++;
            foreach (var waiter in _waiters.Where(w => w.Count <= _acknowledged).ToList())
            {
                waiter.Reached.SetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Completes once <paramref name="count"/> events in all have been acknowledged.</summary>
    public Task WhenAcknowledged(int count)
    {
        lock (_attempts)
        {
            if (_acknowledged >= count) return Task.CompletedTask;
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
            return reached.Task;
        }
    }

    public IReadOnlyList<EventAttempt> Snapshot()
    {
        lock (_attempts) return _attempts.ToList();
    }

    public int Acknowledged
    {
        get { lock (_attempts) return _acknowledged; }
    }

    /// <summary>
    /// The longest time a shopper could not record events from <paramref name="since"/> on: per user, from the start of a failed request to the end
    /// of that user's next successful one (a user whose grain lived on the killed silo is the one that waits), with the
    /// attempts it spans, to tell a slow answer from a string of quick refusals.
    /// </summary>
    public (TimeSpan Length, IReadOnlyList<EventAttempt> Attempts) LongestOutage(DateTime since)
    {
        (TimeSpan Length, IReadOnlyList<EventAttempt> Attempts) longest = (TimeSpan.Zero, []);
        foreach (var attempts in Snapshot().Where(a => a.Started >= since).GroupBy(a => a.UserId))
        {
            var outage = new List<EventAttempt>();
            foreach (var attempt in attempts.OrderBy(a => a.Ended))
            {
                outage.Add(attempt);
                if (attempt.Outcome == Outcome.InDoubt)
                {
                    continue;
                }
                if (outage.Count > 1 && attempt.Ended - outage[0].Started is var length && length > longest.Length)
                {
                    longest = (length, outage);
                }
                outage = [];
            }
        }
        return longest;
    }

    /// <summary>
    /// An outage's attempts in a line, runs of one status together: "3 x 503 in 0.0-1.4 s, 202 in 0.3 s" (status or
    /// "no answer", how long each took), to tell a slow answer from a string of quick refusals.
    /// </summary>
    public static string Describe(IEnumerable<EventAttempt> attempts)
    {
        var runs = new List<List<EventAttempt>>();
        foreach (var attempt in attempts)
        {
            if (runs.Count > 0 && runs[^1][0].Status == attempt.Status) runs[^1].Add(attempt);
            else runs.Add([attempt]);
        }
        return string.Join(", ", runs.Select(run =>
        {
            var status = run[0].Status == 0 ? "no answer" : run[0].Status.ToString(CultureInfo.InvariantCulture);
            var seconds = run.Select(a => (a.Ended - a.Started).TotalSeconds).ToList();
            return run.Count == 1
                ? $"{status} in {seconds[0]:F1} s"
                : $"{run.Count} x {status} in {seconds.Min():F1}-{seconds.Max():F1} s";
        }));
    }
}
