using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Configuration.Overrides;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace OrleansReco.Grains.Storage;

/// <summary>
/// Grain state (shoppers, erasure receipts, the model) on Orleans' own Azure Table grain storage
/// (<c>Microsoft.Orleans.Persistence.AzureStorage</c>), behind <see cref="TableSafeGrainStorage"/>. The encryption and
/// the row layout of a shopper's data are the grains' own, above it: what reaches it is already sealed.
/// </summary>
public static class StateStorage
{
    /// <summary>Configuration section: <c>ConnectionString</c>, <c>TableName</c>, <c>DeleteStateOnClear</c>.</summary>
    public const string SectionName = "Reco:Storage";
    public const string DefaultTableName = "OrleansRecoState";

    /// <summary>
    /// Adds the grain storage named <paramref name="name"/>, bound from <c>Reco:Storage</c>. Orleans' provider is
    /// registered under a name of its own (<paramref name="name"/><c>.table</c>); grains use <paramref name="name"/>.
    /// </summary>
    public static ISiloBuilder AddAzureTableStateStorage(this ISiloBuilder silo, string name, IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var connectionString = section["ConnectionString"];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new OrleansConfigurationException($"Grain storage '{name}': {SectionName}:ConnectionString is not set.");
        }

        var table = name + ".table";
        silo.AddAzureTableGrainStorage(table, (OptionsBuilder<AzureTableStorageOptions> options) => options.Configure(o =>
        {
            o.TableServiceClient = new TableServiceClient(connectionString);
            o.TableName = section["TableName"] ?? DefaultTableName;
            // Erasure relies on it: no row of an erased shopper remains. (Orleans' own default keeps an empty row.)
            o.DeleteStateOnClear = section.GetValue("DeleteStateOnClear", true);
        }));
        silo.Services.AddGrainStorage(name, (services, _) => new TableSafeGrainStorage(
            services.GetRequiredKeyedService<IGrainStorage>(table),
            services.GetProviderClusterOptions(table).Value.ServiceId));
        return silo;
    }
}
