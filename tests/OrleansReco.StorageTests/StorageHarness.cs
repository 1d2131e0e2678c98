using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans;
using Orleans.Hosting;
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
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Reco:Storage:ConnectionString"] = azurite.ConnectionString,
            ["Reco:Storage:TableName"] = tableName,
            ["Reco:Storage:DeleteStateOnClear"] = deleteStateOnClear.ToString(),
        }).Build();
        new ServicesOnly(services, configuration).AddAzureTableStateStorage(ProviderName, configuration);

        var provider = services.BuildServiceProvider();
        foreach (var validator in provider.GetServices<Orleans.IConfigurationValidator>())
        {
            validator.ValidateConfiguration();
        }

        // The stages a silo would run at start: Orleans' provider connects to its table in one of them.
        var lifecycle = new SiloLifecycleSubject(provider.GetRequiredService<ILogger<SiloLifecycleSubject>>());
        foreach (var participant in provider.GetServices<ILifecycleParticipant<ISiloLifecycle>>())
        {
            participant.Participate(lifecycle);
        }
        Task.Run(() => lifecycle.OnStart()).GetAwaiter().GetResult();

        return new StorageHarness(provider, serviceId, new TableServiceClient(azurite.ConnectionString).GetTableClient(tableName));
    }

    /// <summary>The silo builder's two parts, so the provider is registered by the product's own extension.</summary>
    private sealed record ServicesOnly(IServiceCollection Services, IConfiguration Configuration) : ISiloBuilder;

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
        // Orleans' layout: {serviceId}_{type}/{key} with / mapped to _, the key escaped by the product.
        var partitionKey = $"{ServiceId}_{grainId.Type}_{TableKeyEncoder.GrainKey(ServiceId, grainId)}";
        var rows = new List<TableEntity>();
        await foreach (var row in Table.QueryAsync<TableEntity>(e => e.PartitionKey == partitionKey))
        {
            rows.Add(row);
        }

        return rows;
    }

    public void Dispose() => _services.Dispose();
}
