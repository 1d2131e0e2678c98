using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansReco.Grains.Storage;
using OrleansReco.Testing;

namespace OrleansReco.StorageTests;

/// <summary>
/// The provider as a silo would build it (registration extension, options post-configuration, validators),
/// in a plain container with the real Orleans serializer, so conformance tests call <see cref="IGrainStorage"/> directly.
/// </summary>
internal sealed class StorageHarness : IDisposable
{
    public const string ProviderName = "reco";
    public const string StateName = "s";

    private readonly ServiceProvider _services;

    private StorageHarness(ServiceProvider services, string serviceId, TableClient table)
    {
        _services = services;
        ServiceId = serviceId;
        Table = table;
        Storage = services.GetRequiredKeyedService<IGrainStorage>(ProviderName);
    }

    public IGrainStorage Storage { get; }

    /// <summary>Raw access to the table, to check what is (not) stored.</summary>
    public TableClient Table { get; }

    public string ServiceId { get; }

    public static StorageHarness Create(
        AzuriteServer azurite, string tableName = "ConformanceState", bool deleteStateOnClear = true, string serviceId = "conformance")
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = "storage-tests";
            o.ServiceId = serviceId;
        });
        services.AddSerializer(serializer => serializer.AddAssembly(typeof(TestState).Assembly));
        services.AddSingleton<IGrainStorageSerializer, ExactSizeGrainStorageSerializer>();
        services.AddAzureTableGrainStorage(ProviderName, options => options.Configure(o =>
        {
            o.ConnectionString = azurite.ConnectionString;
            o.TableName = tableName;
            o.DeleteStateOnClear = deleteStateOnClear;
        }));

        var provider = services.BuildServiceProvider();
        foreach (var validator in provider.GetServices<Orleans.IConfigurationValidator>())
        {
            validator.ValidateConfiguration();
        }

        return new StorageHarness(provider, serviceId, new TableServiceClient(azurite.ConnectionString).GetTableClient(tableName));
    }

    public static GrainId NewGrainId(string type = "testgrain") => GrainId.Create(type, Guid.NewGuid().ToString("N"));

    public IGrainStorageSerializer Serializer => _services.GetRequiredService<IGrainStorageSerializer>();

    public async Task<TestGrainState> ReadAsync(GrainId grainId, string stateName = StateName)
    {
        var state = new TestGrainState();
        await Storage.ReadStateAsync(stateName, grainId, state);
        return state;
    }

    public async Task<TestGrainState> WriteAsync(GrainId grainId, TestState value, string? etag = null, string stateName = StateName)
    {
        var state = new TestGrainState { State = value, ETag = etag };
        await Storage.WriteStateAsync(stateName, grainId, state);
        return state;
    }

    /// <summary>Every row stored for the grain, whatever its state name: the erasure check.</summary>
    public async Task<List<TableEntity>> RowsOfAsync(GrainId grainId)
    {
        var partitionKey = TableKeyEncoder.PartitionKey(ServiceId, grainId);
        var rows = new List<TableEntity>();
        await foreach (var row in Table.QueryAsync<TableEntity>(e => e.PartitionKey == partitionKey))
        {
            rows.Add(row);
        }

        return rows;
    }

    public void Dispose() => _services.Dispose();
}
