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
    /// of that user's next successful one (a user whose grain lived on the killed silo is the one that waits), with the
    /// attempts it spans, to tell a slow answer from a string of quick refusals.
    /// </summary>
    public (TimeSpan Length, IReadOnlyList<EventAttempt> Attempts) LongestOutage()
    {
        (TimeSpan Length, IReadOnlyList<EventAttempt> Attempts) longest = (TimeSpan.Zero, []);
        foreach (var attempts in Snapshot().GroupBy(a => a.UserId))
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

    /// <summary>An outage's attempts in a line: each one's status (or "no answer") and how long it took.</summary>
    public static string Describe(IEnumerable<EventAttempt> attempts) => string.Join(", ", attempts.Select(a =>
        $"{(a.Status == 0 ? "no answer" : a.Status.ToString(System.Globalization.CultureInfo.InvariantCulture))} in {(a.Ended - a.Started).TotalSeconds:F1} s"));
}
