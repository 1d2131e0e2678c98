using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using OrleansReco.Gateway;
using OrleansReco.Gateway.Dashboard;
using OrleansReco.Gateway.Tracing;
using OrleansReco.Gateway.Health;
using OrleansReco.Gateway.Hosting;
using OrleansReco.Gateway.Metrics;
using OrleansReco.Grains.Hosting;
using OrleansReco.Grains.Storage;

namespace OrleansReco.Silo;

/// <summary>
/// Builds the silo process: clustering, storage and the grains from configuration, and, unless turned off, the
/// gateway's HTTP API in the same process (the one-process local default).
/// </summary>
public static class RecoSiloHost
{
    public static IHost Build(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        var probe = new ConfigurationBuilder().AddCommandLine(args).AddEnvironmentVariables();
        configure?.Invoke(probe);
        var probed = probe.Build();
        var settings = SiloSettings.From(probed);
        if (!settings.HostGateway && settings.MetricsPort is { } managementPort)
        {
            // A silo without the API opens only this management port, without a key, on Reco:Metrics:Address
            // (loopback unless said otherwise): the health endpoints for probes, and /metrics (Prometheus text) unless
            // metrics are off. Nothing else answers there.
            var metricsOn = RecoMetricsExtensions.Enabled(probed);
            var management = WebSilo(args, configure);
            if (metricsOn) management.Services.AddRecoMetrics();
            management.Services.AddHealthChecks().AddCheck<SiloReadinessCheck>("silo", tags: [HealthEndpoints.ReadyTag]);
            management.WebHost.UseUrls($"http://{settings.MetricsAddress}:{managementPort}");
            var app = management.Build();
            app.MapRecoHealth();
            if (metricsOn) app.MapPrometheusScrapingEndpoint("/metrics");
            return app;
        }
        if (!settings.HostGateway)
        {
            // A silo without the API opens no HTTP port, so several can run side by side.
            var plain = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
            {
                Args = args,
                ContentRootPath = AppContext.BaseDirectory,
            });
            configure?.Invoke(plain.Configuration);
            ConfigureHost(plain, plain.Services, plain.Configuration);
            return plain.Build();
        }

        var web = WebSilo(args, configure);
        web.Services.AddRecoGateway(web.Configuration);
        web.WebHost.UseUrls(RecoHttp.Url(web.Configuration));
        var api = web.Build();
        api.MapRecoGateway();
        return api;
    }

    /// <summary>A silo host that also serves HTTP (the API, or only its management port).</summary>
    private static WebApplicationBuilder WebSilo(string[] args, Action<IConfigurationBuilder>? configure)
    {
        var web = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        configure?.Invoke(web.Configuration);
        ConfigureHost(web, web.Services, web.Configuration);
        return web;
    }

    /// <summary>
    /// The address a silo gives the others and clients in the membership table: loopback for silos on one machine,
    /// <c>Reco:Silo:AdvertisedAddress</c> (a pod's or host's IP), then listening on every interface, or, under
    /// Kubernetes hosting, the pod's IP (POD_IP, from the downward API), also listening on every interface.
    /// </summary>
    private static void ConfigureEndpoints(ISiloBuilder silo, SiloSettings settings)
    {
        if (settings.AdvertisedAddress is { Length: > 0 } text)
        {
            var address = IPAddress.TryParse(text, out var parsed)
                ? parsed
                : throw new InvalidOperationException($"Reco:Silo:AdvertisedAddress must be an IP address, not '{text}'.");
            silo.ConfigureEndpoints(address, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
        }
        else if (settings.Kubernetes)
        {
            // The package listens on every interface for an endpoint left unset. It would advertise POD_IP only if no
            // address were set by then, but Orleans' own default (the host's first address) comes first, so the pod's
            // IP is set here: on a pod with several interfaces the first need not be the one other pods reach.
            var podIP = settings.PodIP is not { Length: > 0 } pod ? null
                : IPAddress.TryParse(pod, out var parsed) ? parsed
                : throw new InvalidOperationException($"POD_IP must be the pod's IP address (the downward API's status.podIP), not '{pod}'.");
            silo.Configure<EndpointOptions>(o =>
            {
                if (podIP is not null) o.AdvertisedIPAddress = podIP;
                o.SiloPort = settings.SiloPort;
                o.GatewayPort = settings.GatewayPort;
            });
        }
        else
        {
            silo.ConfigureEndpoints(IPAddress.Loopback, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: false);
        }
    }

    private static void ConfigureHost(IHostApplicationBuilder builder, IServiceCollection services, IConfiguration configuration)
    {
        var settings = SiloSettings.From(configuration);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout);
        builder.UseOrleans(silo => ConfigureSilo(silo, settings, configuration));
    }

    private static void ConfigureSilo(ISiloBuilder silo, SiloSettings settings, IConfiguration configuration)
    {
        if (settings.Kubernetes)
        {
            if (settings.ClusteringProvider.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    "Reco:Silo:Kubernetes needs a shared membership table: set Reco:Clustering:Provider to AzureTable or Redis.");
            }
            // Pod name as silo name, the pod's IP, and an agent that tells membership about deleted pods (it reads,
            // watches and labels the pods of this cluster: deploy/k8s/rbac.yaml). Added before the cluster ids below:
            // the package takes them from ORLEANS_CLUSTER_ID and ORLEANS_SERVICE_ID when set, and configured after it
            // Reco:Clustering wins, which the gateway reads too, so silos and clients cannot disagree.
            silo.UseKubernetesHosting();
        }
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        // A shopper whose grain was on a crashed silo waits until the silo is declared dead: with Orleans' defaults (5 s
        // probes, three missed) that is 15 s or more. A crashed silo refuses connections, so its probes fail at once and
        // three of them at 1 s take about 3 s. A healthy but busy silo is not evicted by that: Orleans adapts each
        // probe's timeout to the response times it observes (up to 4x this), lengthens it while the prober itself is
        // degraded, probes indirectly through another silo before voting, needs two votes, and does not vote against a
        // silo whose connection carries messages. Everything here can be tuned under Reco:Membership.
        silo.Services.AddOptions<ClusterMembershipOptions>()
            .Configure(o => o.ProbeTimeout = TimeSpan.FromSeconds(1))
            .Bind(configuration.GetSection("Reco:Membership"));
        switch (settings.ClusteringProvider.ToLowerInvariant())
        {
            case "azuretable":
                var account = settings.ClusteringConnectionString
                    ?? throw new InvalidOperationException("Reco:Clustering:ConnectionString (or Reco:Storage:ConnectionString) is required with the AzureTable clustering provider.");
                silo.UseAzureStorageClustering(o =>
                {
                    o.TableServiceClient = new TableServiceClient(account);
                    if (settings.ClusteringTableName is { Length: > 0 } table) o.TableName = table;
                });
                ConfigureEndpoints(silo, settings);
                break;
            case "redis":
                var redis = settings.RedisConnectionString
                    ?? throw new InvalidOperationException("Reco:Clustering:RedisConnectionString is required with the Redis clustering provider.");
                silo.UseRedisClustering(redis);
                ConfigureEndpoints(silo, settings);
                break;
            case "localhost":
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort);
                break;
            default:
                throw new InvalidOperationException($"Reco:Clustering:Provider must be Localhost, AzureTable or Redis, not '{settings.ClusteringProvider}'.");
        }

        // State, wrapped keys and aggregates always come from the same kind of store, each in its own table.
        switch (settings.StorageProvider.ToLowerInvariant())
        {
            case "azuretable":
                silo.AddAzureTableStateStorage(RecoStorage.State, configuration);
                silo.AddAzureTableUserKeyStore(RecoStorage.Keys, configuration);
                silo.AddAzureTableAggregateRows(configuration);
                break;
            case "memory":
                // Lost when the silo stops: for tests and experiments only.
                silo.AddMemoryGrainStorage(RecoStorage.State);
                silo.AddMemoryUserKeyStore(RecoStorage.Keys);
                silo.AddMemoryAggregateRows();
                break;
            default:
                throw new InvalidOperationException(
                    $"Unknown Reco:Storage:Provider '{settings.StorageProvider}': use AzureTable (default) or Memory.");
        }
        silo.AddOrleansReco(configuration);
        if (RecoDashboard.Enabled(configuration))
        {
            // Its grains and call statistics; the process serving the API serves the pages (it must be on there too).
            silo.AddRecoDashboard();
        }
        if (RecoTracing.Enabled(configuration))
        {
            // Each grain call a span, in the trace of the request that caused it.
            silo.AddActivityPropagation();
            silo.Services.AddRecoTracing(configuration);
        }
    }
}
