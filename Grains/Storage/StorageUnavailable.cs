using System.Net.Sockets;
using Azure;
using OrleansReco.Grains.Hosting;
using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Grains.Storage;

/// <summary>
/// Failures of the table service that asking again later can mend: no answer, or a failure on its side. They leave the
/// stores as <see cref="TransientFailureException"/>, which the gateway answers 503: one type for every store, and
/// without the SDK's message, whose request URI holds table keys (pseudonyms).
/// </summary>
internal static class StorageUnavailable
{
    /// <summary>Throws the transient failure when <paramref name="exception"/> is one; else returns (and the caller rethrows).</summary>
    public static void ThrowIf(Exception exception, string operation)
    {
        var transient = Is(exception);
        RecoMetrics.StorageError(operation, transient);
        if (transient)
        {
            throw new TransientFailureException(
                $"The table service did not complete a {operation} ({exception.GetType().Name}); nothing else was changed by it. Send the request again.");
        }
    }

    public static bool Is(Exception exception) => exception switch
    {
        // Status 0: no response at all (the service is down or unreachable).
        RequestFailedException failed => failed.Status is 0 or 408 or 429 or >= 500,
        // The SDK's retries gave up ("Retry failed after n tries"); a cancelled try among them is its network timeout.
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0
            && aggregate.InnerExceptions.All(e => e is OperationCanceledException || Is(e)),
        HttpRequestException or SocketException or IOException or TimeoutException => true,
        _ => false,
    };
}
