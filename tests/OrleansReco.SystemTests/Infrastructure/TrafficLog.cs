namespace OrleansReco.SystemTests.Infrastructure;

public enum Outcome
{
    /// <summary>2xx: the product promised the event is durable.</summary>
    Acknowledged,

    /// <summary>No answer, or 5xx: the event may or may not have been recorded.</summary>
    InDoubt,
}

public sealed record EventAttempt(string UserId, string ItemId, Outcome Outcome, DateTime Started, DateTime Ended);

/// <summary>What the load clients sent and what they were told, thread-safe.</summary>
public sealed class TrafficLog
{
    private readonly List<EventAttempt> _attempts = [];

    public void Add(EventAttempt attempt)
    {
        lock (_attempts) _attempts.Add(attempt);
    }

    public IReadOnlyList<EventAttempt> Snapshot()
    {
        lock (_attempts) return _attempts.ToList();
    }

    public int Acknowledged => Snapshot().Count(a => a.Outcome == Outcome.Acknowledged);

    /// <summary>
    /// The longest time a shopper could not record events: per user, from the start of a failed request to the end
    /// of that user's next successful one (a user whose grain lived on the killed silo is the one that waits).
    /// </summary>
    public TimeSpan LongestOutage()
    {
        var longest = TimeSpan.Zero;
        foreach (var attempts in Snapshot().GroupBy(a => a.UserId))
        {
            DateTime? outageStart = null;
            foreach (var attempt in attempts.OrderBy(a => a.Ended))
            {
                if (attempt.Outcome == Outcome.InDoubt)
                {
                    outageStart ??= attempt.Started;
                }
                else if (outageStart is { } start)
                {
                    var length = attempt.Ended - start;
                    if (length > longest) longest = length;
                    outageStart = null;
                }
            }
        }
        return longest;
    }
}
