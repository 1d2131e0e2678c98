namespace OrleansReco.Grains.Interfaces;

/// <summary>
/// Names the checkpoint of one activation of an aggregate grain that will hold a change: what a sender waits for to
/// know that the change is durable. <see cref="Activation"/> is random per activation, so a receipt of an activation
/// that is gone is never mistaken for one of its successor.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.CheckpointReceipt")]
public sealed record CheckpointReceipt(Guid Activation, long Checkpoint);

/// <summary>
/// An aggregate grain (an item, an index shard) applies changes in memory at once and writes them in checkpoints, at
/// most one per configured interval. Its senders learn when a change is durable by waiting for the receipt that
/// applying it returned.
/// </summary>
[Alias("OrleansReco.ICheckpointedGrain")]
public interface ICheckpointedGrain : IAddressable
{
    /// <summary>
    /// Completes once the checkpoint named by <paramref name="receipt"/>, and every one before it, is durable.
    /// <paramref name="urgent"/> asks for that checkpoint now rather than at the end of the interval.
    /// </summary>
    /// <exception cref="CheckpointLostException">The activation that issued the receipt is gone: deliver again.</exception>
    /// <remarks>
    /// A checkpoint comes within an interval or two (seconds): a wait much longer than that went to a silo that is gone,
    /// and its sender should hear so and deliver again rather than wait out the default half minute.
    /// </remarks>
    [Alias("WaitDurable"), ResponseTimeout("00:00:20")]
    Task WaitDurable(CheckpointReceipt receipt, bool urgent);
}

/// <summary>
/// The activation that applied a change ended before a checkpoint held it (it failed to write, or it is gone). The
/// change may or may not be stored: the sender delivers it again, which the grain recognises if it was.
/// </summary>
[GenerateSerializer, Alias("OrleansReco.CheckpointLostException")]
public sealed class CheckpointLostException : Exception
{
    public CheckpointLostException()
    {
    }

    public CheckpointLostException(string message)
        : base(message)
    {
    }

    public CheckpointLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
