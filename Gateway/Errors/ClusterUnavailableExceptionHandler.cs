using Microsoft.AspNetCore.Diagnostics;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Orleans.Storage;
using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Gateway.Errors;

/// <summary>
/// Maps failures that a retry can fix (cluster unreachable, call timed out or cancelled, storage unreachable or a write
/// conflict, a grain's <see cref="TransientFailureException"/>) to 503 with Retry-After, and malformed HTTP to its 4xx. Everything else falls through to the default 500 problem: a bug.
/// </summary>
internal sealed class ClusterUnavailableExceptionHandler(ILogger<ClusterUnavailableExceptionHandler> logger) : IExceptionHandler
{
    internal const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The caller went away; there is nobody to answer.
            return true;
        }
        if (exception is BadHttpRequestException bad)
        {
            await TypedResults.Problem(statusCode: bad.StatusCode, title: "Bad request", detail: bad.Message).ExecuteAsync(httpContext);
            return true;
        }
        if (!IsTransient(exception))
        {
            return false;
        }
        // The type only: messages of Orleans exceptions name grain keys, which are pseudonyms but still need no logging here.
        logger.LogWarning("Cluster call failed with {ExceptionType}; answering 503.", exception.GetType().Name);
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Service temporarily unavailable",
                detail: "The recommendation cluster or its storage did not answer in time. Retry later.")
            .ExecuteAsync(httpContext);
        return true;
    }

    /// <summary>
    /// The exception or one of its causes: Orleans wraps a grain storage failure (a <see cref="TransientFailureException"/>
    /// when the table service did not answer) in an <see cref="OrleansException"/> naming the grain.
    /// </summary>
    internal static bool IsTransient(Exception exception)
    {
        for (Exception? cause = exception; cause is not null; cause = cause.InnerException)
        {
            if (IsTransientType(cause))
            {
                return true;
            }
        }
        return false;
    }

    // A cancellation the caller did not ask for (that case is answered above) came from the cluster: during a failover
    // the distributed directory cancels lookups of a range that is moving.
    private static bool IsTransientType(Exception exception) => exception is
        OperationCanceledException or
        TimeoutException or
        SiloUnavailableException or
        OrleansMessageRejectionException or
        ConnectionFailedException or
        GatewayTooBusyException or
        InconsistentStateException or
        TransientFailureException;
}
