using Azure.Data.Tables;
using Orleans.Configuration;

namespace OrleansReco.Gateway.Hosting;

/// <summary>
/// Client-side clustering from <c>Reco:Clustering</c>: <c>Provider</c> = Localhost (default; <c>GatewayPort</c>,
/// default 30000), AzureTable (the silos' membership table: <c>ConnectionString</c>, else
/// <c>Reco:Storage:ConnectionString</c>; <c>TableName</c>, else Orleans' default) or Redis
/// (<c>RedisConnectionString</c>); <c>ClusterId</c> and <c>ServiceId</c> default to orleansreco-local and orleansreco.
/// </summary>
public static class RecoClusteringExtensions
{
    public const string SectionName = "Reco:Clustering";

    public static IClientBuilder UseRecoClustering(this IClientBuilder client, IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var (clusterId, serviceId) = ClusterIds(configuration);
        var provider = section["Provider"] is { Length: > 0 } p ? p : "Localhost";

        if (provider.Equals("Localhost", StringComparison.OrdinalIgnoreCase))
        {
            var port = section.GetValue("GatewayPort", 30000);
            client.UseLocalhostClustering(port, serviceId, clusterId);
        }
        else if (provider.Equals("AzureTable", StringComparison.OrdinalIgnoreCase))
        {
            var connectionString = AzureTableConnectionString(configuration);
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException($"{SectionName}:ConnectionString (or Reco:Storage:ConnectionString) is required when {SectionName}:Provider is AzureTable.");
            }
            var table = section["TableName"];
            client.UseAzureStorageClustering(o =>
            {
                o.TableServiceClient = new TableServiceClient(connectionString);
                if (!string.IsNullOrEmpty(table)) o.TableName = table;
            });
            UseClusterIds(client, clusterId, serviceId);
        }
        else if (provider.Equals("Redis", StringComparison.OrdinalIgnoreCase))
        {
            var connectionString = section["RedisConnectionString"];
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException($"{SectionName}:RedisConnectionString is required when {SectionName}:Provider is Redis.");
            }
            client.UseRedisClustering(connectionString);
            UseClusterIds(client, clusterId, serviceId);
        }
        else
        {
            throw new InvalidOperationException($"{SectionName}:Provider must be Localhost, AzureTable or Redis, not '{provider}'.");
        }

        client.UseConnectionRetryFilter(new StartupConnectionRetryFilter(section.GetValue("ConnectAttempts", 15)));
        var refresh = section.GetValue("GatewayListRefreshPeriod", DefaultGatewayListRefreshPeriod);
        if (refresh <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{SectionName}:GatewayListRefreshPeriod must be positive, not '{refresh}'.");
        }
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = refresh);
        return client;
    }

    /// <summary>
    /// How often the gateway re-reads which silos accept clients. Orleans' default is a minute: a gateway that started
    /// while one silo was up sent all its calls through that silo for up to a minute, and when that silo died every
    /// call failed until the list was read again. One small membership read every few seconds is cheap.
    /// </summary>
    public static readonly TimeSpan DefaultGatewayListRefreshPeriod = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The storage account of the AzureTable membership table, for silos and clients alike: its own connection string,
    /// else the one that holds the state.
    /// </summary>
    /// <summary><c>Reco:Clustering:ClusterId</c> and <c>ServiceId</c>, read alike by silos and gateway (empty = default).</summary>
    public static (string ClusterId, string ServiceId) ClusterIds(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        return (section["ClusterId"] is { Length: > 0 } c ? c : "orleansreco-local", section["ServiceId"] is { Length: > 0 } s ? s : "orleansreco");
    }

    public static string? AzureTableConnectionString(IConfiguration configuration) =>
        configuration[$"{SectionName}:ConnectionString"] is { Length: > 0 } own ? own : configuration["Reco:Storage:ConnectionString"];

    private static void UseClusterIds(IClientBuilder client, string clusterId, string serviceId) =>
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = clusterId;
            o.ServiceId = serviceId;
        });

    /// <summary>Lets the gateway start a little before the silos (local scripts, compose) instead of failing at once.</summary>
    private sealed class StartupConnectionRetryFilter(int attempts) : IClientConnectionRetryFilter
    {
        private int failed;

        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref failed) >= attempts)
            {
                return false;
            }
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            return true;
        }
    }
}
