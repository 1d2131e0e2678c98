using OrleansReco.Grains.Privacy;

namespace OrleansReco.Grains.Storage;

/// <summary>The memory key store's keys, one activation per store name for the whole cluster.</summary>
[Alias("OrleansReco.IMemoryUserKeyStoreGrain")]
public interface IMemoryUserKeyStoreGrain : IGrainWithStringKey
{
    [Alias("Get")] Task<StoredUserKey?> Get(GrainId owner);

    [Alias("CreateIfAbsent")] Task<StoredUserKey> CreateIfAbsent(GrainId owner, WrappedDataKey key);

    [Alias("TryReplace")] Task<StoredUserKey?> TryReplace(StoredUserKey current, WrappedDataKey replacement);

    [Alias("Delete")] Task Delete(GrainId owner);

    [Alias("List")] Task<List<StoredUserKey>> List();
}

/// <summary>
/// Holds the keys of <see cref="MemoryUserKeyStore"/> in one grain, as Orleans' memory grain storage does with state:
/// a per-silo dictionary would lose a user's key when its grain reactivates on another silo. Never collected while
/// idle; lost when its silo stops. For tests and experiments only.
/// </summary>
[KeepAlive]
public sealed class MemoryUserKeyStoreGrain : Grain, IMemoryUserKeyStoreGrain
{
    private readonly DictionaryUserKeyStore _keys = new();

    public Task<StoredUserKey?> Get(GrainId owner) => _keys.GetAsync(owner);

    public Task<StoredUserKey> CreateIfAbsent(GrainId owner, WrappedDataKey key) => _keys.CreateIfAbsentAsync(owner, key);

    public Task<StoredUserKey?> TryReplace(StoredUserKey current, WrappedDataKey replacement) => _keys.TryReplaceAsync(current, replacement);

    public Task Delete(GrainId owner) => _keys.DeleteAsync(owner);

    public async Task<List<StoredUserKey>> List()
    {
        var all = new List<StoredUserKey>();
        await foreach (var key in _keys.ListAsync())
        {
            all.Add(key);
        }

        return all;
    }
}
