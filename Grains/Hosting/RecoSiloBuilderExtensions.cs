using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansReco.Grains.Embeddings;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Interfaces.Logging;
using OrleansReco.Grains.Model;
using OrleansReco.Grains.Privacy;
using OrleansReco.Grains.Recommendation;
using OrleansReco.Grains.Storage;
using OrleansReco.Grains.Users;

namespace OrleansReco.Grains.Hosting;

/// <summary>Grain storage provider names. The host decides what backs them (memory in tests, Azure Table Storage in the product).</summary>
public static class RecoStorage
{
    /// <summary>Grain state of users, erasure receipts and the model (items and index shards store aggregate rows).</summary>
    public const string State = "reco";

    /// <summary>
    /// Users' wrapped data keys: the <see cref="IUserKeyStore"/> registered under this name, a store (and table) of
    /// their own, apart from the data they protect.
    /// </summary>
    public const string Keys = "reco-keys";
}

public static class RecoSiloBuilderExtensions
{
    /// <summary>Messages per batched call: bounds a call's size when a target is very busy.</summary>
    private const int MaxBatch = 256;

    /// <summary>
    /// Item calls a silo has in flight at most. Enough to keep its cores busy and storage round trips overlapping;
    /// beyond it, contributions wait per item and go together, so a loaded silo makes fewer, larger calls (and item
    /// writes) instead of queueing more of them.
    /// </summary>
    private const int MaxItemCallsInFlight = 64;

    /// <summary>
    /// Item deliveries a silo has in flight (applied or waiting for a checkpoint) beyond which new events wait: about a
    /// hundred times what a busy silo holds over a checkpoint interval, so only a failing storage or item
    /// makes events wait, and memory stays bounded when that happens.
    /// </summary>
    private const int MaxDeliveryBacklog = 1_000_000;

    /// <summary>
    /// Registers what the OrleansReco grains need besides storage: model options bound from <c>Reco:Model</c> and
    /// master keys bound from <c>Reco:Privacy:MasterKeys</c> (when configuration is given), the model options then
    /// adjusted by <paramref name="configureModel"/>. Without configuration the caller configures
    /// <see cref="MasterKeyOptions"/>. The caller adds a grain storage named <see cref="RecoStorage.State"/> and a
    /// user key store named <see cref="RecoStorage.Keys"/>. Missing or unusable master keys fail the silo's start.
    /// </summary>
    public static ISiloBuilder AddOrleansReco(
        this ISiloBuilder silo,
        IConfiguration? configuration = null,
        Action<ModelOptions>? configureModel = null)
    {
        var services = silo.Services;
        // Orleans names user grains, whose keys are pseudonyms, in its warnings and errors: none reaches a log unredacted.
        services.AddGrainKeyRedaction();
        // One activation per grain across a silo's crash too. The default in-cluster directory loses the dead silo's
        // entries, so the grains they named deactivate elsewhere while calls already start new activations: an outgoing
        // shopper activation could drop a change from its row (letting the items forget its id) while the new one
        // delivers it again, and an outgoing item's last checkpoint lands after the new one loaded (it then serves stale
        // counts). This directory recovers a dead silo's ranges from the survivors before it answers for them.
        // Experimental in Orleans 10. Its range lease, which keeps a dead silo's grains from activating again for 30 s
        // in case the silo was only cut off and still runs them, is off: that is a 30 s outage for every shopper on a
        // crashed silo, and storage needs no such wait (the user grain's fencing write on restore and the items'
        // ETag-checked commits stop a cut-off silo's writes).
#pragma warning disable ORLEANSEXP003
        silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
        silo.Configure<GrainDirectoryOptions>(o => o.RangeLeaseDuration = TimeSpan.Zero);
        services.TryAddSingleton(TimeProvider.System);
        // Grain state in Orleans' binary format, not JSON: a user's state is written with every change, and JSON was the
        // most expensive part of such a write. Every state type is [GenerateSerializer] with stable ids, so the format
        // tolerates added and removed fields.
        services.AddSingleton<IGrainStorageSerializer, ExactSizeGrainStorageSerializer>();
        var options = services.AddOptions<ModelOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelOptions>, ModelOptionsValidator>());
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection(ModelOptions.SectionName));
        }
        if (configureModel is not null)
        {
            options.Configure(configureModel);
        }

        var popularityPrivacy = services.AddOptions<PopularityPrivacyOptions>().ValidateOnStart();
        if (configuration is not null)
        {
            popularityPrivacy.Bind(configuration.GetSection(PopularityPrivacyOptions.SectionName));
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PopularityPrivacyOptions>, PopularityPrivacyOptionsValidator>());
        services.TryAddSingleton<PopularitySnapshotCache>();

        var masterKeys = services.AddOptions<MasterKeyOptions>().ValidateOnStart();
        if (configuration is not null)
        {
            masterKeys.Bind(configuration.GetSection(MasterKeyOptions.SectionName));
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MasterKeyOptions>, MasterKeyOptionsValidator>());
        services.TryAddSingleton(sp => new MasterKeyRing(sp.GetRequiredService<IOptions<MasterKeyOptions>>().Value));
        services.TryAddSingleton(sp => new UserDataVaultFactory(
            KeyStore(sp), sp.GetRequiredService<MasterKeyRing>(), sp.GetRequiredService<Serializer<UserData>>()));
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<UserKeyRotation>(sp, KeyStore(sp)));
        services.AddTransient<IConfigurationValidator>(sp => new KeyStoreRegisteredValidator(sp));
        services.TryAddSingleton<EmbeddingModelCache>();
        var deliveryOptions = services.AddOptions<DeliveryOptions>().ValidateOnStart();
        if (configuration is not null)
        {
            deliveryOptions.Bind(configuration.GetSection(DeliveryOptions.SectionName));
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DeliveryOptions>, DeliveryOptionsValidator>());
        // Every event reaches each item of the shopper's history, and popular items are in most histories: one call
        // per target in flight, the rest batched behind it, turns the many small calls to a hot item (and to its
        // index shard) into a few large ones; waits for their checkpoints are shared the same way.
        services.TryAddSingleton(sp =>
        {
            var grains = sp.GetRequiredService<IGrainFactory>();
            return new DurableDeliveries<string, ItemMessage>(
                "item",
                (item, batch) =>
                {
                    var (contributions, forgotten) = ItemMessage.Split(batch);
                    return grains.GetGrain<IItemGrain>(item).Apply(contributions, forgotten);
                },
                (item, receipt, urgent) => grains.GetGrain<IItemGrain>(item).WaitDurable(receipt, urgent),
                MaxBatch, MaxItemCallsInFlight, MaxDeliveryBacklog);
        });
        services.TryAddSingleton(sp =>
        {
            var grains = sp.GetRequiredService<IGrainFactory>();
            return new DurableDeliveries<int, ItemStats>(
                "index",
                (shard, batch) => grains.GetGrain<IItemIndexShardGrain>(shard).Report(batch),
                (shard, receipt, urgent) => grains.GetGrain<IItemIndexShardGrain>(shard).WaitDurable(receipt, urgent),
                MaxBatch, int.MaxValue, MaxDeliveryBacklog);
        });
        services.AddTransient<IConfigurationValidator>(sp => new AggregateStoreRegisteredValidator(sp));
        services.AddHostedService<EmbeddingTrainingSchedule>();
        return silo;
    }

    private static IUserKeyStore KeyStore(IServiceProvider services) => services.GetRequiredKeyedService<IUserKeyStore>(RecoStorage.Keys);

    /// <summary>Says at start, not at an item's first activation, that the host forgot the aggregate store.</summary>
    private sealed class AggregateStoreRegisteredValidator(IServiceProvider services) : IConfigurationValidator
    {
        public void ValidateConfiguration()
        {
            if (services.GetService<IAggregateRowStore>() is null)
            {
                throw new OrleansConfigurationException(
                    "No aggregate row store is registered: add one with AddAzureTableAggregateRows or AddMemoryAggregateRows.");
            }
        }
    }

    private sealed class PopularityPrivacyOptionsValidator : IValidateOptions<PopularityPrivacyOptions>
    {
        public ValidateOptionsResult Validate(string? name, PopularityPrivacyOptions options) =>
            options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }

    private sealed class DeliveryOptionsValidator : IValidateOptions<DeliveryOptions>
    {
        public ValidateOptionsResult Validate(string? name, DeliveryOptions options) =>
            options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }

    /// <summary>Says at start, not at a user's first write, that the host forgot the key store.</summary>
    private sealed class KeyStoreRegisteredValidator(IServiceProvider services) : IConfigurationValidator
    {
        public void ValidateConfiguration()
        {
            if (services.GetKeyedService<IUserKeyStore>(RecoStorage.Keys) is null)
            {
                throw new OrleansConfigurationException(
                    $"No user key store named '{RecoStorage.Keys}' is registered: add one with AddAzureTableUserKeyStore or AddMemoryUserKeyStore.");
            }
        }
    }
}
