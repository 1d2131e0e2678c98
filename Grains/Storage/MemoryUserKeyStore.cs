using System.Runtime.CompilerServices;
using OrleansReco.Grains.Privacy;

namespace OrleansReco.Grains.Storage;

/// <summary>
/// The key store for <c>Reco:Storage:Provider=Memory</c> and in-process test clusters: the stand-in for the key
/// table, as Orleans' memory grain storage is for the state table. Every silo reaches the same keys through
/// <see cref="MemoryUserKeyStoreGrain"/>; they are lost when the cluster stops.
/// </summary>
public sealed class MemoryUserKeyStore(string name, IGrainFactory grains) : IUserKeyStore
{
    private IMemoryUserKeyStoreGrain Store => grains.GetGrain<IMemoryUserKeyStoreGrain>(name);

    public Task<StoredUserKey?> GetAsync(GrainId owner, CancellationToken cancellationToken = default) => Store.Get(owner);

    public Task<StoredUserKey> CreateIfAbsentAsync(GrainId owner, WrappedDataKey key, CancellationToken cancellationToken = default) =>
        Store.CreateIfAbsent(owner, key);

    public Task<StoredUserKey?> TryReplaceAsync(StoredUserKey current, WrappedDataKey replacement, CancellationToken cancellationToken = default) =>
        Store.TryReplace(current, replacement);

    public Task DeleteAsync(GrainId owner, CancellationToken cancellationToken = default) => Store.Delete(owner);

    public async IAsyncEnumerable<StoredUserKey> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var key in await Store.List())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return key;
        }
    }
}
