using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using OrleansReco.Grains.Hosting;
using OrleansReco.Grains.Storage;
using OrleansReco.Testing;

namespace OrleansReco.StorageTests;

/// <summary>The real grains on Azurite, configured from settings the way the silo host is, in tables of the test's own.</summary>
internal static class AzureStorageCluster
{
    /// <param name="tablePrefix">Names the test's state, key and aggregate tables.</param>
    /// <param name="settings">More settings, on top of storage and a fresh master key.</param>
    public static async Task<InProcessTestCluster> StartAsync(
        AzuriteServer azurite, string tablePrefix, short silos = 1, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Reco:Storage:ConnectionString"] = azurite.ConnectionString,
            ["Reco:Storage:TableName"] = tablePrefix + "State",
            ["Reco:Storage:AggregateTableName"] = tablePrefix + "Aggregates",
            ["Reco:KeyStorage:TableName"] = tablePrefix + "Keys",
            ["Reco:Privacy:MasterKeys:CurrentKeyId"] = "storage-tests-1",
            ["Reco:Privacy:MasterKeys:Keys:0:Id"] = "storage-tests-1",
            ["Reco:Privacy:MasterKeys:Keys:0:Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();

        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddAzureTableStateStorage(RecoStorage.State, configuration);
            silo.AddAzureTableUserKeyStore(RecoStorage.Keys, configuration);
            silo.AddAzureTableAggregateRows(configuration);
            silo.AddOrleansReco(configuration);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
