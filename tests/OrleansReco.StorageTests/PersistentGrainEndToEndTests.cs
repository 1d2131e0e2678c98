using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using OrleansReco.Grains.Storage;
using OrleansReco.Testing;

namespace OrleansReco.StorageTests;

[Alias("OrleansReco.StorageTests.ICounterGrain")]
public interface ICounterGrain : IGrainWithStringKey
{
    [Alias("Add")] Task<int> Add(int amount);
    [Alias("Get")] Task<int> Get();
    [Alias("ActivationId")] Task<Guid> ActivationId();
    [Alias("Clear")] Task Clear();
}

[GenerateSerializer, Alias("OrleansReco.StorageTests.CounterState")]
public sealed class CounterState
{
    [Id(0)] public int Total { get; set; }
}

public sealed class CounterGrain([PersistentState("s", "reco")] IPersistentState<CounterState> state) : Grain, ICounterGrain
{
    private readonly Guid _activationId = Guid.NewGuid();

    public async Task<int> Add(int amount)
    {
        state.State.Total += amount;
        await state.WriteStateAsync();
        return state.State.Total;
    }

    public Task<int> Get() => Task.FromResult(state.State.Total);

    public Task<Guid> ActivationId() => Task.FromResult(_activationId);

    public Task Clear() => state.ClearStateAsync();
}

[Collection(AzuriteCollection.Name)]
public sealed class PersistentGrainEndToEndTests(AzuriteServer azurite)
{
    private const string TableName = "EndToEndState";

    [Fact]
    public async Task A_grain_keeps_its_state_across_deactivation_and_loses_it_on_clear()
    {
        var builder = new InProcessTestClusterBuilder(1);
        // Bound from configuration the way the silo host does it (Reco__Storage__ConnectionString in the environment).
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Reco:Storage:ConnectionString"] = azurite.ConnectionString,
                ["Reco:Storage:TableName"] = TableName,
            })
            .Build();
        builder.ConfigureSilo((_, silo) =>
            silo.AddAzureTableStateStorage("reco", configuration));
        await using var cluster = builder.Build();
        await cluster.DeployAsync();

        var key = Guid.NewGuid().ToString("N");
        var grain = cluster.Client.GetGrain<ICounterGrain>(key);
        await grain.Add(5);
        Assert.Equal(7, await grain.Add(2));
        var firstActivation = await grain.ActivationId();

        await cluster.DeactivateAsync(grain);

        Assert.Equal(7, await grain.Get());
        Assert.NotEqual(firstActivation, await grain.ActivationId());
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient(TableName);
        Assert.Single(await RowsAsync(table, key));

        await grain.Clear();
        Assert.Empty(await RowsAsync(table, key));
        await cluster.DeactivateAsync(grain);
        Assert.Equal(0, await grain.Get());
    }

    private static async Task<List<TableEntity>> RowsAsync(TableClient table, string grainKey)
    {
        // The silo's service id is the cluster builder's choice, so find the row by the key part of the partition key.
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            if (row.PartitionKey.EndsWith("_" + grainKey, StringComparison.Ordinal))
            {
                rows.Add(row);
            }
        }

        return rows;
    }
}
