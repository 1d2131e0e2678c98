namespace OrleansReco.Grains.Hosting;

/// <summary>
/// How events travel after their acknowledgement (<c>Reco:Delivery</c>): when item and index grains write what reached
/// them, and when a shopper's row drops the changes every item has durably applied.
/// </summary>
public sealed class DeliveryOptions
{
    public const string SectionName = "Reco:Delivery";

    /// <summary>
    /// An item or index shard writes what reached it at most once per interval, however many changes arrive. The
    /// interval is aligned on the clock at a phase per aggregate partition: the grains of one partition write together
    /// and share storage requests, and the partitions take turns through the interval. A change counts as delivered
    /// once a written checkpoint holds it, so this is also about how long a delivery takes (an erasure answers after
    /// one to two intervals); readers see a change as soon as it is applied, whatever the interval. Two seconds rather
    /// than one halved the item writes per event of a busy shop (docs/performance.md). Zero: write at once (tests).
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Changed entries that make a checkpoint go before its interval ends, so one commit never grows large.</summary>
    public int CheckpointChanges { get; set; } = 100_000;

    /// <summary>
    /// How long a shopper's row may go on holding changes that every item has applied before a write of its own drops
    /// them; the shopper's next event drops them for free. Until then the items remember those changes' ids.
    /// </summary>
    public TimeSpan OutboxWriteDelay { get; set; } = TimeSpan.FromSeconds(5);

    public IEnumerable<string> Problems()
    {
        if (CheckpointInterval < TimeSpan.Zero) yield return $"{SectionName}:CheckpointInterval is {CheckpointInterval}; it must be zero or more.";
        if (CheckpointChanges < 1) yield return $"{SectionName}:CheckpointChanges is {CheckpointChanges}; it must be at least 1.";
        if (OutboxWriteDelay < TimeSpan.Zero) yield return $"{SectionName}:OutboxWriteDelay is {OutboxWriteDelay}; it must be zero or more.";
    }
}
