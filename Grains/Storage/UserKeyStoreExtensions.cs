using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;

namespace OrleansReco.Grains.Storage;

/// <summary>Registers an <see cref="IUserKeyStore"/> as a keyed service, as grain storage providers are registered by name.</summary>
public static class UserKeyStoreExtensions
{
    /// <summary>
    /// Adds the Azure table key store named <paramref name="name"/>, bound from configuration: <c>Reco:KeyStorage</c>
    /// (<c>ConnectionString</c>, <c>TableName</c>), the connection string falling back to <c>Reco:Storage:ConnectionString</c>.
    /// </summary>
    public static ISiloBuilder AddAzureTableUserKeyStore(this ISiloBuilder silo, string name, IConfiguration configuration)
    {
        var keys = configuration.GetSection(UserKeyStoreOptions.SectionName);
        var state = configuration.GetSection(StateStorage.SectionName);
        silo.Services.AddAzureTableUserKeyStore(
            name,
            options => options.Configure(o =>
            {
                keys.Bind(o);
                o.ConnectionString ??= state["ConnectionString"];
            }),
            stateTable: (state["ConnectionString"], state["TableName"] ?? StateStorage.DefaultTableName));
        return silo;
    }

    /// <summary>Adds the Azure table key store named <paramref name="name"/>, configured in code.</summary>
    public static ISiloBuilder AddAzureTableUserKeyStore(this ISiloBuilder silo, string name, Action<UserKeyStoreOptions> configure)
    {
        silo.Services.AddAzureTableUserKeyStore(name, options => options.Configure(configure));
        return silo;
    }

    /// <summary>The service-collection form, for hosts and tests that build their own container (it needs <c>ClusterOptions</c>).</summary>
    public static IServiceCollection AddAzureTableUserKeyStore(
        this IServiceCollection services,
        string name,
        Action<OptionsBuilder<UserKeyStoreOptions>> configure,
        (string? ConnectionString, string TableName)? stateTable = null)
    {
        configure(services.AddOptions<UserKeyStoreOptions>(name));
        services.AddTransient<IConfigurationValidator>(sp =>
            new UserKeyStoreOptionsValidator(sp.GetRequiredService<IOptionsMonitor<UserKeyStoreOptions>>().Get(name), name, stateTable));
        services.AddKeyedSingleton<IUserKeyStore>(name, (sp, _) => ActivatorUtilities.CreateInstance<AzureTableUserKeyStore>(
            sp, name, sp.GetRequiredService<IOptionsMonitor<UserKeyStoreOptions>>().Get(name)));
        // Takes part in the silo lifecycle (creates the table at start), as grain storage providers do.
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp =>
            (AzureTableUserKeyStore)sp.GetRequiredKeyedService<IUserKeyStore>(name));
        return services;
    }

    /// <summary>
    /// Adds the memory key store named <paramref name="name"/>: cluster-wide, lost when the cluster stops. The
    /// counterpart of <c>AddMemoryGrainStorage</c>, for tests and experiments.
    /// </summary>
    public static ISiloBuilder AddMemoryUserKeyStore(this ISiloBuilder silo, string name)
    {
        silo.Services.AddKeyedSingleton<IUserKeyStore>(name, (sp, _) => new MemoryUserKeyStore(name, sp.GetRequiredService<IGrainFactory>()));
        return silo;
    }
}
