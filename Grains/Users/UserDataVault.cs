using System.Security.Cryptography;
using Orleans.Serialization;
using OrleansReco.Grains.Privacy;
using OrleansReco.Grains.Storage;

namespace OrleansReco.Grains.Users;

/// <summary>
/// One user grain activation's data key and what it does with it: load (and lazily rewrap) the wrapped key, create it
/// on the first write, seal and open the state, destroy the key on erasure. The key is held only in memory, unwrapped,
/// for the activation's life, and zeroed when it ends or the key is destroyed.
/// </summary>
public sealed class UserDataVault : IDisposable
{
    /// <summary>What <see cref="UserState.FormatVersion"/> says of the states this code writes: AES-256-GCM over Orleans-serialized <see cref="UserData"/>.</summary>
    public const int CurrentFormat = 1;

    private readonly GrainId _owner;
    private readonly IUserKeyStore _keys;
    private readonly MasterKeyRing _ring;
    private readonly Serializer<UserData> _serializer;
    private byte[]? _dataKey;

    internal UserDataVault(GrainId owner, IUserKeyStore keys, MasterKeyRing ring, Serializer<UserData> serializer)
    {
        _owner = owner;
        _keys = keys;
        _ring = ring;
        _serializer = serializer;
    }

    /// <summary>
    /// The stored state, opened; null when the user's key is gone, which only an erasure does: it destroys the key
    /// before it deletes the state, so a state without a key is one whose erasure stopped part-way.
    /// </summary>
    /// <exception cref="CryptographicException">The state was altered, or sealed for another user or under another key.</exception>
    /// <exception cref="MasterKeyNotConfiguredException">The key is wrapped by a master key no longer configured.</exception>
    public async Task<UserData?> OpenAsync(UserState state)
    {
        // Before the key lookup: a row of an unknown format must fail loudly, not pass for an erased one.
        if (state.FormatVersion != CurrentFormat || state.Sealed is null)
        {
            throw new NotSupportedException(
                $"A user state has format version {state.FormatVersion}; this version reads only {CurrentFormat} (sealed under the user's data key). " +
                "States written before encryption at rest are not migrated: delete the local data (RECO_DATA_DIR).");
        }

        if (!await TryLoadKeyAsync())
        {
            return null;
        }

        var plaintext = EnvelopeEncryption.Open(_dataKey!, state.Sealed, EnvelopeEncryption.UserStateContext(OwnerName, state.FormatVersion));
        try
        {
            return _serializer.Deserialize(plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>
    /// Makes sure a key is stored before any state that depends on it is: creates a random one on the first write.
    /// If another writer stored one first, that one is used.
    /// </summary>
    public async Task EnsureKeyAsync()
    {
        if (_dataKey is not null)
        {
            return;
        }

        var fresh = EnvelopeEncryption.NewKey();
        try
        {
            var stored = await _keys.CreateIfAbsentAsync(_owner, _ring.Wrap(OwnerName, fresh));
            Remember(_ring.Unwrap(OwnerName, stored.Key));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(fresh);
        }
    }

    /// <summary>Deletes the stored key and forgets it: from here, any copy of this user's state is unreadable.</summary>
    public async Task DestroyKeyAsync()
    {
        Forget();
        await _keys.DeleteAsync(_owner);
    }

    public UserState Seal(UserData data)
    {
        var key = _dataKey ?? throw new InvalidOperationException("No data key: EnsureKeyAsync comes before sealing.");
        var plaintext = _serializer.SerializeToArray(data);
        try
        {
            return new UserState
            {
                FormatVersion = CurrentFormat,
                Sealed = EnvelopeEncryption.Seal(key, plaintext, EnvelopeEncryption.UserStateContext(OwnerName, CurrentFormat)),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public void Dispose() => Forget();

    /// <summary>What seals bind to. Made when needed: the activation holds its grain id anyway, and a resident shopper costs less.</summary>
    private string OwnerName => _owner.ToString();

    /// <summary>
    /// Reads and unwraps the user's key; false when none is stored. A key under an old master key is rewrapped under
    /// the current one on the way (if it changed meanwhile, whoever changed it has done that already).
    /// </summary>
    private async Task<bool> TryLoadKeyAsync()
    {
        var stored = await _keys.GetAsync(_owner);
        if (stored is null)
        {
            return false;
        }

        var dataKey = _ring.Unwrap(OwnerName, stored.Key);
        Remember(dataKey);
        if (_ring.NeedsRewrap(stored.Key))
        {
            await _keys.TryReplaceAsync(stored, _ring.Wrap(OwnerName, dataKey));
        }

        return true;
    }

    private void Remember(byte[] dataKey)
    {
        Forget();
        _dataKey = dataKey;
    }

    private void Forget()
    {
        if (_dataKey is not null)
        {
            CryptographicOperations.ZeroMemory(_dataKey);
            _dataKey = null;
        }
    }
}

/// <summary>Makes each user grain activation its <see cref="UserDataVault"/> (one singleton per silo).</summary>
public sealed class UserDataVaultFactory(IUserKeyStore keys, MasterKeyRing ring, Serializer<UserData> serializer)
{
    public UserDataVault For(GrainId owner) => new(owner, keys, ring, serializer);
}
