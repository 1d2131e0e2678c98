using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Runtime;
using OrleansReco.Grains.Storage;
using OrleansReco.Testing;

namespace OrleansReco.StorageTests;

/// <summary>
/// The Azure table key store against Azurite, built as a silo builds it (registration, options, validators). Each
/// test has a service id of its own, so listing sees only its keys though the table is shared.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureTableUserKeyStoreTests(AzuriteServer azurite) : UserKeyStoreConformance, IDisposable
{
    private const string TableName = "ConformanceKeys";
    private readonly KeyStoreHarness _harness = KeyStoreHarness.Create(azurite, TableName, "keys-" + Guid.NewGuid().ToString("N")[..8]);

    protected override IUserKeyStore Store => _harness.Store;

    [Fact]
    public async Task A_row_holds_the_owner_the_master_key_id_and_the_wrapped_bytes_only()
    {
        var owner = NewOwner();
        var wrapped = NewWrapped("m1");

        await Store.CreateIfAbsentAsync(owner, wrapped);

        var row = Assert.Single(await _harness.RowsOfAsync(owner));
        Assert.Equal(owner.ToString(), row.GetString("Owner"));
        Assert.Equal("m1", row.GetString("MasterKeyId"));
        Assert.Equal(wrapped.Ciphertext, row.GetBinary("WrappedKey"));
        Assert.Equal(["MasterKeyId", "Owner", "WrappedKey"], row.Keys.Where(k => k is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")).Order());
    }

    [Fact]
    public async Task Deleting_a_key_deletes_its_row()
    {
        var owner = NewOwner();
        await Store.CreateIfAbsentAsync(owner, NewWrapped());

        await Store.DeleteAsync(owner);

        Assert.Empty(await _harness.RowsOfAsync(owner));
    }

    [Fact]
    public async Task Services_sharing_the_table_list_and_read_only_their_own_keys()
    {
        using var other = KeyStoreHarness.Create(azurite, TableName, _harness.ServiceId + "-other");
        var mine = NewOwner();
        var theirs = NewOwner();
        await Store.CreateIfAbsentAsync(mine, NewWrapped());
        await other.Store.CreateIfAbsentAsync(theirs, NewWrapped());
        // The same grain in both services: two rows, two keys.
        await other.Store.CreateIfAbsentAsync(mine, NewWrapped());

        var listed = new List<GrainId>();
        await foreach (var key in Store.ListAsync())
        {
            listed.Add(key.Owner);
        }

        Assert.Equal([mine], listed);
        Assert.Null(await Store.GetAsync(theirs));
        Assert.NotEqual((await Store.GetAsync(mine))!.Key.Ciphertext, (await other.Store.GetAsync(mine))!.Key.Ciphertext);
    }

    public void Dispose() => _harness.Dispose();
}

/// <summary>The key store as a silo would build it, in a plain container.</summary>
internal sealed class KeyStoreHarness : IDisposable
{
    private const string Name = "reco-keys";
    private readonly ServiceProvider _services;

    private KeyStoreHarness(ServiceProvider services, string serviceId, TableClient table)
    {
        _services = services;
        ServiceId = serviceId;
        Table = table;
        Store = services.GetRequiredKeyedService<IUserKeyStore>(Name);
    }

    public IUserKeyStore Store { get; }

    public TableClient Table { get; }

    public string ServiceId { get; }

    public static KeyStoreHarness Create(AzuriteServer azurite, string tableName, string serviceId)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = "storage-tests";
            o.ServiceId = serviceId;
        });
        services.AddAzureTableUserKeyStore(Name, options => options.Configure(o =>
        {
            o.ConnectionString = azurite.ConnectionString;
            o.TableName = tableName;
        }));
        var provider = services.BuildServiceProvider();
        foreach (var validator in provider.GetServices<Orleans.IConfigurationValidator>())
        {
            validator.ValidateConfiguration();
        }

        return new KeyStoreHarness(provider, serviceId, new TableServiceClient(azurite.ConnectionString).GetTableClient(tableName));
    }

    public async Task<List<TableEntity>> RowsOfAsync(GrainId owner)
    {
        var partitionKey = TableKeyEncoder.PartitionKey(ServiceId, owner);
        var rows = new List<TableEntity>();
        await foreach (var row in Table.QueryAsync<TableEntity>(e => e.PartitionKey == partitionKey))
        {
            rows.Add(row);
        }

        return rows;
    }

    public void Dispose() => _services.Dispose();
}
