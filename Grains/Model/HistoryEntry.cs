namespace OrleansReco.Grains.Model;

/// <summary>
/// One distinct item in a user's history. <see cref="Affinity"/> is the decayed, event-weighted sum as of
/// <see cref="LastSeen"/>; the counts and times are kept so the user can see what was recorded (export).
/// </summary>
public sealed class HistoryEntry
{
    public required string ItemId { get; init; }
    public double Affinity { get; set; }
    public long FirstSeen { get; set; }
    public long LastSeen { get; set; }
    public int Views { get; set; }
    public int Carts { get; set; }
    public int Purchases { get; set; }

    /// <summary>Undecayed sum of event weights in thousandths: the entry's exact popularity contribution.</summary>
    public long MilliWeight { get; set; }

    public bool Purchased => Purchases > 0;

    /// <summary>The affinity decayed (or grown) to <paramref name="referenceTime"/>.</summary>
    public double AffinityAt(long referenceTime, TimeSpan halfLife) =>
        Affinity * EventTime.Decay(referenceTime - LastSeen, halfLife);

    /// <summary>
    /// The entry as a repeat candidate at <paramref name="referenceTime"/>: its whole event weight (frequency)
    /// decayed from its last event (recency) with the repeat half-life.
    /// </summary>
    public double RepeatAffinityAt(long referenceTime, TimeSpan halfLife) =>
        MilliWeight / 1000.0 * EventTime.Decay(referenceTime - LastSeen, halfLife);

    /// <summary>What this entry adds to its item's popularity: its weight, in the bucket of its last event.</summary>
    public PopularityContribution Contribution => new(EventTime.DayOf(LastSeen), MilliWeight);
}

/// <summary>A history entry's share of its item's popularity: exact integers so that retraction is exact.</summary>
public readonly record struct PopularityContribution(int Day, long MilliWeight);
