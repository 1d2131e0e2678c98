using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using Orleans.TestingHost;
using OrleansReco.Grains.Hosting;
using OrleansReco.Grains.Model;
using OrleansReco.Grains.Privacy;
using OrleansReco.Grains.Storage;

namespace OrleansReco.Tools.Evaluation;

/// <summary>
/// The real grains on an in-process cluster of several silos, for replaying a data set: state in memory, under a
/// master key and a pseudonym pepper made for this run and forgotten with it, so that, as in production, grain
/// keys are pseudonyms and every user state is sealed under the user's own key.
/// </summary>
public sealed class EvaluationCluster : IAsyncDisposable
{
    private const string MasterKeyId = "evaluate";

    /// <summary>How soon every silo uses a newly trained model: wait this long after training before asking.</summary>
    public static readonly TimeSpan ModelRefreshPeriod = TimeSpan.FromMilliseconds(250);
    private readonly InProcessTestCluster _cluster;
    private readonly byte[] _pepper = RandomNumberGenerator.GetBytes(32);

    private EvaluationCluster(InProcessTestCluster cluster) => _cluster = cluster;

    public IGrainFactory Grains => _cluster.Client;

    public static async Task<EvaluationCluster> StartAsync(int silos, Action<ModelOptions>? model = null)
    {
        var masterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        // Shared by every silo of this process, as a storage account and key table are by every silo of a cluster.
        var states = new ProcessMemoryGrainStorage.Store();
        var keys = new DictionaryUserKeyStore();
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.Options.ConfigureFileLogging = false; // the test host would write every silo's log under ./logs
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddGrainStorage(RecoStorage.State, (services, _) =>
                ActivatorUtilities.CreateInstance<ProcessMemoryGrainStorage>(services, states));
            silo.Services.AddKeyedSingleton<IUserKeyStore>(RecoStorage.Keys, keys);
            silo.AddMemoryAggregateRows();
            silo.Services.Configure<MasterKeyOptions>(options =>
            {
                options.CurrentKeyId = MasterKeyId;
                options.Keys = [new MasterKeyEntry { Id = MasterKeyId, Key = masterKey }];
            });
            silo.AddOrleansReco(configureModel: options =>
            {
                // The model is trained once, after the replay; silos pick it up as in production, only sooner.
                options.EmbeddingTrainEvery = TimeSpan.Zero;
                options.EmbeddingRefreshPeriod = ModelRefreshPeriod;
                model?.Invoke(options);
            });
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new EvaluationCluster(cluster);
    }

    /// <summary>The grain key of a data set's user id, as the gateway derives it (HMAC-SHA256 under a pepper).</summary>
    public string Pseudonym(string userId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_pepper, Encoding.UTF8.GetBytes(userId)));

    public async ValueTask DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
    }
}
