using Orleans.TestingHost;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Testing;
using Xunit;

namespace OrleansReco.GatewayTests;

/// <summary>One two-silo cluster and one gateway for the whole collection; tests isolate themselves by unique ids.</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>Storage the tests can hold or fail per grain (memory storage otherwise).</summary>
    public StorageFaults StorageFaults { get; } = new();

    public GatewayHost Gateway { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddRecoForTests(faults: StorageFaults);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Gateway = await GatewayHost.StartAsync(Cluster.Client);
    }

    /// <summary>
    /// Waits until every item holds the changes of these shoppers' events: the gateway answers an event once the
    /// shopper's own state holds it, and item aggregates (similar items, popularity) follow behind.
    /// </summary>
    public Task WaitForDeliveries(IEnumerable<string> userIds) =>
        Task.WhenAll(userIds.Distinct().Select(id => Grains.GetGrain<IUserGrain>(Gateway.Pseudonymizer.Pseudonymize(id)).WaitForDeliveries()));

    public async Task DisposeAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
