using OpenTelemetry.Metrics;

namespace OrleansReco.Gateway.Metrics;

public static class RecoMetricsExtensions
{
    /// <summary>The silo's meter (RecoMetrics in Grains), named here because the gateway does not reference Grains.</summary>
    private const string SiloMeterName = "OrleansReco";

    /// <summary>
    /// <c>Reco:Metrics:Enabled</c> (default true). Off, nothing listens to the meters, so Orleans' and ASP.NET Core's
    /// instruments record nothing on the request path, and <c>/metrics</c> answers 404.
    /// </summary>
    public static bool Enabled(IConfiguration configuration) => configuration.GetValue("Reco:Metrics:Enabled", true);

    /// <summary>
    /// The meters a process exports at <c>/metrics</c> (Prometheus text): the gateway's and the silo's own (whichever
    /// run in the process), Orleans', ASP.NET Core's and the runtime's. ASP.NET Core tags requests with the route
    /// template (<c>/v1/users/{userId}/...</c>), never the path a user id is in.
    /// </summary>
    public static IServiceCollection AddRecoMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(GatewayMetrics.MeterName, SiloMeterName, "Microsoft.Orleans")
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime")
            // Every scrape reads the instruments afresh (the exporter's default caches an answer for 300 ms).
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }
}
