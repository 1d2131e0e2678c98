using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace OrleansReco.Silo;

/// <summary>
/// Ready while this silo is an active member of the cluster: it has joined (its grains can be placed and called) and
/// has not begun to leave. A rolling update waits for it before stopping the next silo, and a disruption budget
/// counts it.
/// </summary>
internal sealed class SiloReadinessCheck(ISiloStatusOracle membership) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(membership.CurrentStatus == SiloStatus.Active
            ? HealthCheckResult.Healthy("The silo is active.")
            : HealthCheckResult.Unhealthy($"The silo is {membership.CurrentStatus}."));
}
