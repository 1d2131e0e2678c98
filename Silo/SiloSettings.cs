using Microsoft.Extensions.Configuration;
using Orleans.Hosting.Kubernetes;
using OrleansReco.Gateway.Hosting;

namespace OrleansReco.Silo;

/// <summary>The silo host's own settings (section <c>Reco</c>); environment variables use <c>Reco__Section__Key</c>.</summary>
public sealed record SiloSettings(
    string ClusteringProvider,
    string? RedisConnectionString,
    string? ClusteringConnectionString,
    string? ClusteringTableName,
    string? AdvertisedAddress,
    string ClusterId,
    string ServiceId,
    int SiloPort,
    int GatewayPort,
    string StorageProvider,
    bool HostGateway,
    TimeSpan ShutdownTimeout,
    int? MetricsPort,
    string MetricsAddress,
    bool Kubernetes,
    string? PodIP)
{
    public static SiloSettings From(IConfiguration configuration) => new(
        ClusteringProvider: configuration["Reco:Clustering:Provider"] ?? "Localhost",
        RedisConnectionString: configuration["Reco:Clustering:RedisConnectionString"],
        ClusteringConnectionString: RecoClusteringExtensions.AzureTableConnectionString(configuration),
        ClusteringTableName: configuration["Reco:Clustering:TableName"],
        AdvertisedAddress: configuration["Reco:Silo:AdvertisedAddress"],
        ClusterId: RecoClusteringExtensions.ClusterIds(configuration).ClusterId,
        ServiceId: RecoClusteringExtensions.ClusterIds(configuration).ServiceId,
        SiloPort: configuration.GetValue("Reco:Silo:SiloPort", 11111),
        GatewayPort: configuration.GetValue("Reco:Silo:GatewayPort", 30000),
        StorageProvider: configuration["Reco:Storage:Provider"] ?? "AzureTable",
        HostGateway: configuration.GetValue("Reco:Silo:HostGateway", true),
        ShutdownTimeout: configuration.GetValue("Reco:Silo:ShutdownTimeout", TimeSpan.FromSeconds(30)),
        MetricsPort: configuration.GetValue<int?>("Reco:Metrics:Port"),
        MetricsAddress: configuration["Reco:Metrics:Address"] ?? "127.0.0.1",
        Kubernetes: configuration.GetValue("Reco:Silo:Kubernetes", false),
        PodIP: configuration[KubernetesHostingOptions.PodIPEnvironmentVariable]);
}
