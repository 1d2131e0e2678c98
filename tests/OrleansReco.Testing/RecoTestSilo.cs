using Microsoft.Extensions.DependencyInjection;
using OrleansReco.Grains.Hosting;
using OrleansReco.Grains.Model;
using OrleansReco.Grains.Privacy;
using OrleansReco.Grains.Storage;

namespace OrleansReco.Testing;

/// <summary>How every in-process test silo is set up: the real grains on memory storage, under a fixed test master key.</summary>
public static class RecoTestSilo
{
    public const string MasterKeyId = "test-1";

    /// <summary>A fixed, public test key (bytes 1 to 32), never used outside tests.</summary>
    public static readonly string MasterKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    /// <param name="masterKeys">Adjusts the master keys after the test key is set (e.g. a rotation test adds keys and changes the current one).</param>
    /// <param name="faults">Lets the test make chosen state writes and checkpoints fail.</param>
    public static ISiloBuilder AddRecoForTests(
        this ISiloBuilder silo, Action<ModelOptions>? model = null, Action<MasterKeyOptions>? masterKeys = null, StorageFaults? faults = null)
    {
        if (faults is null)
        {
            silo.AddMemoryGrainStorage(RecoStorage.State);
            silo.AddMemoryAggregateRows();
        }
        else
        {
            faults.Install(silo);
        }
        silo.AddMemoryUserKeyStore(RecoStorage.Keys);
        silo.Services.Configure<MasterKeyOptions>(options =>
        {
            options.CurrentKeyId = MasterKeyId;
            options.Keys = [new MasterKeyEntry { Id = MasterKeyId, Key = MasterKey }];
            masterKeys?.Invoke(options);
        });
        // Tests read aggregates right after waiting for deliveries: checkpoints go at once, not once a second.
        silo.Services.Configure<DeliveryOptions>(options =>
        {
            options.CheckpointInterval = TimeSpan.Zero;
            options.OutboxWriteDelay = TimeSpan.Zero;
        });
        return silo.AddOrleansReco(configureModel: options =>
        {
            // Tests read neighbourhoods right after writing: always recompute.
            options.NeighbourhoodMaxAge = TimeSpan.Zero;
            // Models are trained when a test says so, and seen by every silo at once.
            options.EmbeddingTrainEvery = TimeSpan.Zero;
            options.EmbeddingErasureRetrainDelay = TimeSpan.FromDays(1);
            options.EmbeddingRefreshPeriod = TimeSpan.Zero;
            model?.Invoke(options);
        });
    }
}
