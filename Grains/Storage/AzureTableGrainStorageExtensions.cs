using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace OrleansReco.Grains.Storage;

/// <summary>Registers <see cref="AzureTableGrainStorage"/> as a named grain storage provider.</summary>
public static class AzureTableGrainStorageExtensions
{
    /// <summary>Adds a grain storage named <paramref name="name"/> on Azure Table Storage, configured in code.</summary>
    public static ISiloBuilder AddAzureTableGrainStorage(this ISiloBuilder builder, string name, Action<AzureTableStorageOptions> configure)
    {
        builder.Services.AddAzureTableGrainStorage(name, options => options.Configure(configure));
        return builder;
    }

    /// <summary>
    /// Adds a grain storage named <paramref name="name"/> on Azure Table Storage, bound from a configuration
    /// section such as <c>Reco:Storage</c> (keys <c>ConnectionString</c>, <c>TableName</c>, <c>DeleteStateOnClear</c>).
    /// </summary>
    public static ISiloBuilder AddAzureTableGrainStorage(this ISiloBuilder builder, string name, IConfiguration section)
    {
        builder.Services.AddAzureTableGrainStorage(name, options => options.Bind(section));
        return builder;
    }

    /// <summary>
    /// The service-collection form, for hosts and tests that build their own container. The container must hold
    /// the Orleans serializer (<c>AddSerializer</c>) and an <see cref="IGrainStorageSerializer"/> unless one is set
    /// on the options.
    /// </summary>
    public static IServiceCollection AddAzureTableGrainStorage(
        this IServiceCollection services, string name, Action<OptionsBuilder<AzureTableStorageOptions>> configure)
    {
        configure(services.AddOptions<AzureTableStorageOptions>(name));
        // Same serializer resolution as Orleans' own providers: keyed by provider name, else the DI default.
        services.AddTransient<IPostConfigureOptions<AzureTableStorageOptions>, DefaultStorageProviderSerializerOptionsConfigurator<AzureTableStorageOptions>>();
        services.AddTransient<IConfigurationValidator>(sp =>
            new AzureTableStorageOptionsValidator(sp.GetRequiredService<IOptionsMonitor<AzureTableStorageOptions>>().Get(name), name));
        return services.AddGrainStorage(name, Create);
    }

    private static AzureTableGrainStorage Create(IServiceProvider services, string name) =>
        ActivatorUtilities.CreateInstance<AzureTableGrainStorage>(
            services, name, services.GetRequiredService<IOptionsMonitor<AzureTableStorageOptions>>().Get(name));
}
