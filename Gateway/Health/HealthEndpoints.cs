using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace OrleansReco.Gateway.Health;

/// <summary>
/// The health endpoints of every process that serves HTTP (the gateway, and a silo's management port), for load
/// balancers and Kubernetes probes: live answers while the process answers at all; ready runs the checks tagged
/// <see cref="ReadyTag"/> (the gateway: the cluster and its storage answer; a silo: it is an active member).
/// </summary>
public static class HealthEndpoints
{
    public const string Live = "/health/live";
    public const string Ready = "/health/ready";
    public const string ReadyTag = "ready";

    public static IEndpointRouteBuilder MapRecoHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(Live, new HealthCheckOptions { Predicate = _ => false })
            .AllowAnonymous()
            .DisableRateLimiting();
        endpoints.MapHealthChecks(Ready, new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) })
            .AllowAnonymous()
            .DisableRateLimiting();
        return endpoints;
    }
}
