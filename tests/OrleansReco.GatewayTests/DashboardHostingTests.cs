using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansReco.Gateway.Dashboard;
using OrleansReco.Silo;
using Xunit;

namespace OrleansReco.GatewayTests;

/// <summary>
/// The one-process silo (silo and API in one host) as <see cref="RecoSiloHost"/> builds it, not started: with the
/// switch on, the silo side and the serving side of the dashboard are each registered once and every dashboard
/// route needs the dashboard policy; off, neither is there.
/// </summary>
public sealed class DashboardHostingTests
{
    private static IHost OneProcessSilo(bool enabled) => RecoSiloHost.Build([], builder =>
    {
        builder.Sources.Clear();
        builder.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Reco:Silo:HostGateway"] = "true",
            ["Reco:Storage:Provider"] = "Memory",
            ["Reco:Dashboard:Enabled"] = enabled ? "true" : "false",
        });
    });

    private static List<RouteEndpoint> DashboardRoutes(IHost host) =>
        // The one-process host is a WebApplication: its own data sources hold what it mapped.
        ((IEndpointRouteBuilder)host).DataSources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(RecoDashboard.Path, StringComparison.OrdinalIgnoreCase) == true)
            .ToList();

    // The library's types are internal: named here only to count them.
    private static int Count<T>(IHost host, string typeName) =>
        host.Services.GetServices<T>().Count(s => s!.GetType().Name == typeName);

    [Fact]
    public void On_the_silo_registers_it_once_and_maps_every_route_behind_the_dashboard_policy()
    {
        using var host = OneProcessSilo(enabled: true);

        Assert.Equal(1, Count<IIncomingGrainCallFilter>(host, "GrainProfilerFilter"));
        // The gateway's registration must not add the log stream's provider a second time (every line twice).
        Assert.Equal(1, Count<ILoggerProvider>(host, "DashboardLogger"));
        var routes = DashboardRoutes(host);
        Assert.Contains(routes, e => e.RoutePattern.RawText!.EndsWith("/DashboardCounters", StringComparison.Ordinal));
        Assert.All(routes, e => Assert.Contains(
            e.Metadata.GetOrderedMetadata<IAuthorizeData>(), a => a.Policy == RecoDashboard.PolicyName));
    }

    [Fact]
    public void Off_the_silo_has_neither_its_call_filter_nor_its_routes()
    {
        using var host = OneProcessSilo(enabled: false);

        Assert.Equal(0, Count<IIncomingGrainCallFilter>(host, "GrainProfilerFilter"));
        Assert.Empty(DashboardRoutes(host));
    }
}
