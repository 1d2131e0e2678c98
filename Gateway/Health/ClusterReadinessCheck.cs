using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;
using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Gateway.Health;

/// <summary>
/// Ready when the management grain answers with at least one active silo and a silo's storage answers a read
/// (<see cref="IStorageProbeGrain"/>): a load balancer then stops sending traffic that could only fail. Neither call
/// creates state.
/// </summary>
internal sealed class ClusterReadinessCheck(IGrainFactory grains) : IHealthCheck
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(Timeout, cancellationToken);
            if (hosts.Count == 0)
            {
                return HealthCheckResult.Unhealthy("No active silo.");
            }
            await grains.GetGrain<IStorageProbeGrain>(0).Probe().WaitAsync(Timeout, cancellationToken);
            return HealthCheckResult.Healthy($"{hosts.Count} active silo(s); storage answers");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The cluster or its storage is not reachable: " + e.GetType().Name);
        }
    }
}
