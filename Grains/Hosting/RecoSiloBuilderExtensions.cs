using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansReco.Grains.Model;

namespace OrleansReco.Grains.Hosting;

/// <summary>Grain storage provider names. The host decides what backs them (memory in tests, Azure Table Storage in the product).</summary>
public static class RecoStorage
{
    /// <summary>User, item, index and receipt grain state.</summary>
    public const string State = "reco";

    /// <summary>Users' wrapped data keys: a provider (and table) of their own, apart from the data they protect.</summary>
    public const string Keys = "reco-keys";
}

public static class RecoSiloBuilderExtensions
{
    /// <summary>
    /// Registers what the OrleansReco grains need besides storage: model options bound from <c>Reco:Model</c>
    /// (when configuration is given) and then adjusted by <paramref name="configureModel"/>.
    /// The caller adds a grain storage named <see cref="RecoStorage.State"/>.
    /// </summary>
    public static ISiloBuilder AddOrleansReco(
        this ISiloBuilder silo,
        IConfiguration? configuration = null,
        Action<ModelOptions>? configureModel = null)
    {
        silo.Services.TryAddSingleton(TimeProvider.System);
        var options = silo.Services.AddOptions<ModelOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection(ModelOptions.SectionName));
        }
        if (configureModel is not null)
        {
            options.Configure(configureModel);
        }
        return silo;
    }
}
