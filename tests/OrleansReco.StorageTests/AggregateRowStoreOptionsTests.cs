using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using OrleansReco.Grains.Storage;

namespace OrleansReco.StorageTests;

public sealed class AggregateRowStoreOptionsTests
{
    private const string Account = "UseDevelopmentStorage=true";

    [Fact]
    public void The_store_defaults_to_its_own_table_in_the_state_account_over_64_partitions()
    {
        var (options, validate) = Bind(new() { ["Reco:Storage:ConnectionString"] = Account });

        Assert.Equal((Account, "OrleansRecoAggregates", 64), (options.ConnectionString, options.AggregateTableName, options.AggregatePartitions));
        validate();
    }

    [Fact]
    public void Reco_Storage_sets_the_table_and_the_partitions()
    {
        var (options, validate) = Bind(new()
        {
            ["Reco:Storage:ConnectionString"] = Account,
            ["Reco:Storage:AggregateTableName"] = "ShopAggregates",
            ["Reco:Storage:AggregatePartitions"] = "4096",
        });

        Assert.Equal(("ShopAggregates", 4096), (options.AggregateTableName, options.AggregatePartitions));
        validate();
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("4097")]
    public void A_partition_count_outside_1_to_4096_is_refused_naming_the_setting(string partitions)
    {
        var error = Assert.Throws<OrleansConfigurationException>(Bind(new()
        {
            ["Reco:Storage:ConnectionString"] = Account,
            ["Reco:Storage:AggregatePartitions"] = partitions,
        }).Validate);

        Assert.Contains("Reco:Storage:AggregatePartitions", error.Message);
        Assert.Contains(partitions, error.Message);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("1aggregates")]
    [InlineData("my-aggregates")]
    public void An_invalid_table_name_is_refused(string tableName)
    {
        var error = Assert.Throws<OrleansConfigurationException>(Bind(new()
        {
            ["Reco:Storage:ConnectionString"] = Account,
            ["Reco:Storage:AggregateTableName"] = tableName,
        }).Validate);

        Assert.Contains("Reco:Storage:AggregateTableName", error.Message);
    }

    [Fact]
    public void A_missing_connection_string_names_the_setting()
    {
        var error = Assert.Throws<OrleansConfigurationException>(Bind([]).Validate);

        Assert.Contains("Reco:Storage:ConnectionString", error.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("OrleansRecoAggregates")]
    [InlineData("orleansrecoaggregates")]
    public void The_state_table_is_refused_for_aggregate_rows(string? stateTable)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Reco:Storage:ConnectionString"] = Account,
            ["Reco:Storage:AggregateTableName"] = "OrleansRecoState",
        };
        if (stateTable is not null)
        {
            // The state table moved onto the aggregate store's default.
            settings["Reco:Storage:TableName"] = stateTable;
            settings.Remove("Reco:Storage:AggregateTableName");
        }

        var error = Assert.Throws<OrleansConfigurationException>(Bind(settings).Validate);

        Assert.Contains("state table", error.Message);
    }

    [Fact]
    public void The_azure_store_is_one_singleton_that_takes_part_in_the_silo_lifecycle()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Reco:Storage:ConnectionString"] = Account }).Build();
        var silo = new SiloBuilderStub(new ServiceCollection(), configuration);
        silo.Services.AddLogging();
        silo.Services.Configure<ClusterOptions>(o => o.ServiceId = "registration");

        silo.AddAzureTableAggregateRows(configuration);
        using var provider = silo.Services.BuildServiceProvider();

        var store = Assert.IsType<AzureTableAggregateRowStore>(provider.GetRequiredService<IAggregateRowStore>());
        Assert.Same(store, provider.GetRequiredService<IAggregateRowStore>());
        Assert.Contains(provider.GetServices<ILifecycleParticipant<ISiloLifecycle>>(), p => ReferenceEquals(p, store));
    }

    [Fact]
    public async Task Memory_stores_registered_on_silos_of_one_service_share_rows()
    {
        var serviceId = "shared-" + Guid.NewGuid().ToString("N");
        IAggregateRowStore StoreOfASilo(string id)
        {
            var silo = new SiloBuilderStub(new ServiceCollection(), new ConfigurationBuilder().Build());
            silo.Services.Configure<ClusterOptions>(o => o.ServiceId = id);
            silo.AddMemoryAggregateRows();
            return silo.Services.BuildServiceProvider().GetRequiredService<IAggregateRowStore>();
        }

        var owner = new RowOwner("item", "moved");
        var etag = await StoreOfASilo(serviceId).CommitAsync(owner, new RowCommit(null, [1, 2, 3], [], []));

        Assert.Equal(etag, (await StoreOfASilo(serviceId).ReadAsync(owner)).HeadETag);
        Assert.Null((await StoreOfASilo(serviceId + "-other").ReadAsync(owner)).HeadETag);
    }

    /// <summary>Registers the store from configuration as the silo host will, and returns its options and validation.</summary>
    private static (AggregateRowStoreOptions Options, Action Validate) Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var silo = new SiloBuilderStub(new ServiceCollection(), configuration);
        silo.AddAzureTableAggregateRows(configuration);
        var provider = silo.Services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<AggregateRowStoreOptions>>().Value;
        return (options, () =>
        {
            foreach (var validator in provider.GetServices<Orleans.IConfigurationValidator>())
            {
                validator.ValidateConfiguration();
            }
        });
    }

    private sealed record SiloBuilderStub(IServiceCollection Services, IConfiguration Configuration) : ISiloBuilder;
}
