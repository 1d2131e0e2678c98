using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using OrleansReco.Gateway.Metrics;

namespace OrleansReco.Gateway.RateLimiting;

/// <summary>
/// Bound from <c>Reco:RateLimits</c>: one token bucket per API key, and a budget of failed authentications and
/// authorisations per client address. Defaults are generous; they stop runaway clients and key guessing, not traffic.
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "Reco:RateLimits";

    /// <summary>Bucket size: the burst a key may send at once.</summary>
    public int TokenLimit { get; set; } = 2000;

    /// <summary>Tokens added every <see cref="ReplenishmentPeriod"/>.</summary>
    public int TokensPerPeriod { get; set; } = 1000;

    public TimeSpan ReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>401 and 403 answers a client address may receive per <see cref="AuthFailureWindow"/> before it is answered 429.</summary>
    public int AuthFailureLimit { get; set; } = 100;

    public TimeSpan AuthFailureWindow { get; set; } = TimeSpan.FromMinutes(1);
}

internal static class ApiKeyRateLimiting
{
    public static void Configure(RateLimiterOptions options, RateLimitOptions limits)
    {
        // Partitioned by the key's configured name, never the presented header: unknown keys are rejected before
        // this middleware runs, so they cannot create partitions.
        options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            var name = context.User.Identity?.IsAuthenticated == true ? context.User.FindFirstValue(ClaimTypes.Name) : null;
            return name is null
                ? RateLimitPartition.GetNoLimiter("anonymous")
                : RateLimitPartition.GetTokenBucketLimiter(name, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.TokenLimit,
                    TokensPerPeriod = limits.TokensPerPeriod,
                    ReplenishmentPeriod = limits.ReplenishmentPeriod,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
        });
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.OnRejected = (context, _) => new ValueTask(
            TooManyRequests.WriteAsync(context.HttpContext, context.Lease, "api_key", "This API key's rate limit is exhausted. Retry later."));
    }
}

/// <summary>The one 429 answer of both limiters: problem details, and <c>Retry-After</c> when the limiter knows it.</summary>
internal static class TooManyRequests
{
    /// <param name="limit">Which limit refused it, for the metrics: api_key or auth_failures.</param>
    public static Task WriteAsync(HttpContext context, RateLimitLease lease, string limit, string detail)
    {
        GatewayMetrics.ThrottledRequest(limit);
        if (lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            context.Response.Headers.RetryAfter =
                Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests", detail: detail)
            .ExecuteAsync(context);
    }
}
