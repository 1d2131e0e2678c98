using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;

namespace OrleansReco.Grains.Storage;

/// <summary>Registers the silo's one <see cref="IAggregateRowStore"/>, as a singleton.</summary>
public static class AggregateRowStoreExtensions
{
    /// <summary>
    /// Adds the Azure table aggregate row store, bound from <paramref name="configuration"/>'s <c>Reco:Storage</c> section:
    /// <c>ConnectionString</c> (the state's), <c>AggregateTableName</c>, <c>AggregatePartitions</c>.
    /// </summary>
    public static ISiloBuilder AddAzureTableAggregateRows(this ISiloBuilder silo, IConfiguration configuration)
    {
        var section = configuration.GetSection(AggregateRowStoreOptions.SectionName);
        silo.Services.AddAzureTableAggregateRows(
            options => options.Bind(section),
            stateTable: (section["ConnectionString"], section["TableName"] ?? StateStorage.DefaultTableName));
        return silo;
    }

    /// <summary>Adds the Azure table aggregate row store, configured in code.</summary>
    public static ISiloBuilder AddAzureTableAggregateRows(this ISiloBuilder silo, Action<AggregateRowStoreOptions> configure)
    {
        silo.Services.AddAzureTableAggregateRows(options => options.Configure(configure));
        return silo;
    }

    /// <summary>The service-collection form, for hosts and tests that build their own container (it needs <c>ClusterOptions</c>).</summary>
    public static IServiceCollection AddAzureTableAggregateRows(
        this IServiceCollection services,
        Action<OptionsBuilder<AggregateRowStoreOptions>> configure,
        (string? ConnectionString, string TableName)? stateTable = null)
    {
        configure(services.AddOptions<AggregateRowStoreOptions>());
        services.AddTransient<IConfigurationValidator>(sp =>
            new AggregateRowStoreOptionsValidator(sp.GetRequiredService<IOptions<AggregateRowStoreOptions>>().Value, stateTable));
        services.AddSingleton<IAggregateRowStore>(sp => ActivatorUtilities.CreateInstance<AzureTableAggregateRowStore>(
            sp, sp.GetRequiredService<IOptions<AggregateRowStoreOptions>>().Value));
        // Takes part in the silo lifecycle (creates the table at start), as grain storage providers do.
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp =>
            (AzureTableAggregateRowStore)sp.GetRequiredService<IAggregateRowStore>());
        return services;
    }

    /// <summary>
    /// Adds the memory aggregate row store: shared by every silo of this process with the same service id, lost when
    /// the process ends. For tests and the in-process evaluation cluster.
    /// </summary>
    public static ISiloBuilder AddMemoryAggregateRows(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton<IAggregateRowStore>(sp => new MemoryAggregateRowStore(sp.GetRequiredService<IOptions<ClusterOptions>>()));
        return silo;
    }
}
