using System.Security.Cryptography;
using Azure.Data.Tables;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using OrleansReco.Grains.Interfaces;

namespace OrleansReco.SystemTests.Infrastructure;

/// <summary>
/// The test's own Orleans client on the product's cluster (membership in Azure Table storage or Redis): reads what
/// the cluster holds, the way an operator tool would, to check it against what the storefront was told.
/// </summary>
public sealed class ClusterReader : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterReader(IHost host) => _host = host;

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    public static Task<ClusterReader> ConnectAzureTable(string storageConnectionString, string clusterId) =>
        Connect(client => client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(storageConnectionString)), clusterId);

    public static Task<ClusterReader> ConnectRedis(string redisConnectionString, string clusterId) =>
        Connect(client => client.UseRedisClustering(redisConnectionString), clusterId);

    private static async Task<ClusterReader> Connect(Action<IClientBuilder> useClustering, string clusterId)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(client =>
        {
            useClustering(client);
            // Waiting for a user's deliveries after a silo was killed can outlast the default half minute: the retries of
            // what the dead silo held come first.
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(2));
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = "orleansreco";
            });
        });
        var host = builder.Build();
        await host.StartAsync();
        return new ClusterReader(host);
    }

    /// <summary>The grain key the gateway derives for a storefront user id (HMAC-SHA256 with the test pepper).</summary>
    public static string Pseudonym(string userId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(ProductProcesses.Pepper), Encoding.UTF8.GetBytes(userId)));

    public async Task<IReadOnlyList<int>> ActiveSiloPorts()
    {
        var hosts = await Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        return hosts.Keys.Select(s => s.Endpoint.Port).Order().ToList();
    }

    public async Task<HashSet<string>> History(string userId)
    {
        var context = await Client.GetGrain<IUserGrain>(Pseudonym(userId)).GetContext();
        return context.History.Select(h => h.ItemId).ToHashSet();
    }

    public Task<ItemCounts> Counts(string itemId) => Client.GetGrain<IItemGrain>(itemId).GetCounts();

    /// <summary>Until every item holds the user's acknowledged changes (events are answered before the items have them).</summary>
    public Task WaitForDeliveries(string userId) => Client.GetGrain<IUserGrain>(Pseudonym(userId)).WaitForDeliveries();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
