namespace OrleansReco.Grains.Model;

/// <summary>Event-time helpers. Everything in the model runs on event time so history can be replayed.</summary>
public static class EventTime
{
    public const long SecondsPerDay = 86_400;

    /// <summary>Whole days since the Unix epoch: the granularity of popularity buckets.</summary>
    public static int DayOf(long unixSeconds) => (int)Math.Floor(unixSeconds / (double)SecondsPerDay);

    /// <summary>Factor by which a value decays over <paramref name="elapsedSeconds"/>; growth for negative spans.</summary>
    public static double Decay(double elapsedSeconds, TimeSpan halfLife) =>
        Math.Pow(2, -elapsedSeconds / halfLife.TotalSeconds);
}
