using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace OrleansReco.Gateway.RateLimiting;

/// <summary>
/// Counts the 401 and 403 answers each client address receives, in fixed windows of
/// <see cref="RateLimitOptions.AuthFailureWindow"/>. Only failures spend the budget, so a client with a valid key
/// never does; once it is spent, <see cref="AuthFailureRateLimiting.UseAuthFailureLimit"/> answers every request
/// from the address 429 until the window ends, whatever key it carries.
/// </summary>
internal sealed class AuthFailureLimiter : IDisposable
{
    // The built-in partitioned limiter drops a partition about ten seconds after its window has refilled, so memory
    // holds the addresses that failed within the last window and those seen in the last seconds, however many
    // addresses an attacker has.
    private readonly PartitionedRateLimiter<HttpContext> limiter;

    public AuthFailureLimiter(IOptions<RateLimitOptions> options)
    {
        var limits = options.Value;
        limiter = PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.GetFixedWindowLimiter(
            ClientAddress(context),
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limits.AuthFailureLimit,
                Window = limits.AuthFailureWindow,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    /// <summary>A lease of no permits spends nothing: it fails only when the address has no failure left.</summary>
    public RateLimitLease Check(HttpContext context) => limiter.AttemptAcquire(context, permitCount: 0);

    public void RecordFailure(HttpContext context)
    {
        using var _ = limiter.AttemptAcquire(context);
    }

    public void Dispose() => limiter.Dispose();

    /// <summary>
    /// The partition of a client: its IPv4 address, or the /64 of its IPv6 address, because one IPv6 subscriber
    /// usually holds a whole /64 and would otherwise get 2^64 budgets.
    /// </summary>
    internal static string ClientAddress(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            // No IP transport (a Unix socket, an in-process server): the clients share one budget.
            return "none";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        bytes.AsSpan(8).Clear();
        return $"{new IPAddress(bytes)}/64";
    }
}

internal static class AuthFailureRateLimiting
{
    /// <summary>
    /// Answers 429 to an address that has spent its failure budget, before its key is looked at: were a valid key
    /// let through, a guesser would still learn which guess was right, and the limit would slow nothing.
    /// Endpoints that need no key (health, OpenAPI; they opt out of rate limiting) stay open.
    /// </summary>
    public static IApplicationBuilder UseAuthFailureLimit(this IApplicationBuilder app)
    {
        var limiter = app.ApplicationServices.GetRequiredService<AuthFailureLimiter>();
        return app.Use(async (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<DisableRateLimitingAttribute>() is null)
            {
                using var lease = limiter.Check(context);
                if (!lease.IsAcquired)
                {
                    await TooManyRequests.WriteAsync(context, lease, "auth_failures",
                        "Too many requests from this address failed authentication or authorisation. Retry later.");
                    return;
                }
            }
            await next(context);
        });
    }
}
