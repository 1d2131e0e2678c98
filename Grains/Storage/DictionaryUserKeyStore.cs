using System.Runtime.CompilerServices;
using OrleansReco.Grains.Privacy;

namespace OrleansReco.Grains.Storage;

/// <summary>
/// The key store's semantics over a dictionary in this process. Holds the keys of <see cref="MemoryUserKeyStoreGrain"/>
/// (the cluster-wide memory store) and serves unit tests directly. Lost when the process ends.
/// </summary>
public sealed class DictionaryUserKeyStore : IUserKeyStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<GrainId, StoredUserKey> _keys = [];
    private long _version;

    public Task<StoredUserKey?> GetAsync(GrainId owner, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_keys.GetValueOrDefault(owner));
        }
    }

    public Task<StoredUserKey> CreateIfAbsentAsync(GrainId owner, WrappedDataKey key, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_keys.TryGetValue(owner, out var stored))
            {
                stored = new StoredUserKey(owner, key, NextETag());
                _keys[owner] = stored;
            }

            return Task.FromResult(stored);
        }
    }

    public Task<StoredUserKey?> TryReplaceAsync(StoredUserKey current, WrappedDataKey replacement, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_keys.TryGetValue(current.Owner, out var stored) || stored.ETag != current.ETag)
            {
                return Task.FromResult<StoredUserKey?>(null);
            }

            var replaced = new StoredUserKey(current.Owner, replacement, NextETag());
            _keys[current.Owner] = replaced;
            return Task.FromResult<StoredUserKey?>(replaced);
        }
    }

    public Task DeleteAsync(GrainId owner, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _keys.Remove(owner);
            return Task.CompletedTask;
        }
    }

    public async IAsyncEnumerable<StoredUserKey> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        List<StoredUserKey> snapshot;
        lock (_gate)
        {
            snapshot = [.. _keys.Values];
        }

        foreach (var key in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return key;
        }

        await Task.CompletedTask;
    }

    private string NextETag() => (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
