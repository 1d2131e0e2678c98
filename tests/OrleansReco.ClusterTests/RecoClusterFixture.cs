using Orleans.TestingHost;
using OrleansReco.Testing;
using Xunit;

namespace OrleansReco.ClusterTests;

/// <summary>Two silos with the real grains on memory storage. Tests keep apart by using their own ids.</summary>
public sealed class RecoClusterFixture : IAsyncLifetime
{
    public const int HistoryLimit = 8;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    /// <summary>Installed on both silos: how many grain calls a traced operation causes.</summary>
    public TracedCallCounter Calls { get; } = new();

    /// <summary>Installed on both silos: fails deliveries to the items a test arms.</summary>
    public ItemDeliveryFaults Faults { get; } = new();

    /// <summary>Installed on both silos: fails the state writes and checkpoints a test arms.</summary>
    public StorageFaults StorageFaults { get; } = new();

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddRecoForTests(model =>
            {
                model.HistoryLimit = HistoryLimit;
                model.IndexShards = 4;
            }, faults: StorageFaults);
            silo.AddIncomingGrainCallFilter(Calls);
            silo.AddIncomingGrainCallFilter(Faults);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        await Cluster.WaitForLivenessToStabilizeAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<RecoClusterFixture>
{
    public const string Name = "cluster";
}
