using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using OrleansReco.Grains.Hosting;
using OrleansReco.Grains.Privacy;
using OrleansReco.Grains.Storage;
using OrleansReco.Grains.Users;

namespace OrleansReco.ClusterTests;

/// <summary>
/// What a cluster's storage holds of a user, read through the silo's own storage provider and key store, as the
/// grains read them (an auditor's view, not the grain's): the envelope, the bytes a table would get, the wrapped key.
/// </summary>
internal sealed class StoredUsers(InProcessTestCluster cluster, int silo = 0)
{
    private IServiceProvider Services => cluster.Silos[silo].ServiceProvider;

    public IUserKeyStore Keys => Services.GetRequiredKeyedService<IUserKeyStore>(RecoStorage.Keys);

    public MasterKeyRing Ring => Services.GetRequiredService<MasterKeyRing>();

    private IGrainStorage Storage => Services.GetRequiredKeyedService<IGrainStorage>(RecoStorage.State);

    public async Task<(bool RecordExists, UserState State)> State(IAddressable user)
    {
        var state = await Read(user);
        return (state.RecordExists, state.State ?? throw new InvalidOperationException("The storage provider left the state null."));
    }

    public async Task Overwrite(IAddressable user, UserState replacement)
    {
        var state = await Read(user);
        state.State = replacement;
        await Storage.WriteStateAsync("user", user.GetGrainId(), state);
    }

    /// <summary>The state as a table-backed provider would store it: the silo's grain storage serializer's output.</summary>
    public byte[] Serialized(UserState state) =>
        Services.GetRequiredService<IGrainStorageSerializer>().Serialize(state).ToArray();

    private async Task<GrainState<UserState>> Read(IAddressable user)
    {
        var state = new GrainState<UserState>();
        await Storage.ReadStateAsync("user", user.GetGrainId(), state);
        return state;
    }

    public static bool Contains(byte[] bytes, string text) =>
        bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0 || bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(text)) >= 0;
}
