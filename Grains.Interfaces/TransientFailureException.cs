namespace OrleansReco.Grains.Interfaces;

/// <summary>
/// A request did not finish for a reason that passes (a state write failed, the items did not take a change in time):
/// nothing acknowledged is lost, and asking again is safe. The gateway answers it 503 with Retry-After.
/// </summary>
[GenerateSerializer, Alias("OrleansReco.TransientFailureException")]
public sealed class TransientFailureException : Exception
{
    public TransientFailureException()
    {
    }

    public TransientFailureException(string message)
        : base(message)
    {
    }

    public TransientFailureException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
