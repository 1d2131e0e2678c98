using OrleansReco.Grains.Privacy;

namespace OrleansReco.Grains.Storage;

/// <summary>
/// Where the users' wrapped data keys live: a store (and table) of their own, apart from the state they protect.
/// One key per owner grain. Registered as a keyed service named <see cref="Hosting.RecoStorage.Keys"/>.
/// </summary>
/// <remarks>
/// Only two writers ever touch a key: its user grain (create, lazy rewrap, delete on erasure) and the rotation
/// (rewrap). Creation never overwrites and a rewrap never recreates, so neither can undo an erasure or swap the key
/// under data it sealed.
/// </remarks>
public interface IUserKeyStore
{
    /// <summary>The stored key, or null when there is none.</summary>
    Task<StoredUserKey?> GetAsync(GrainId owner, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="key"/> unless a key is stored already, and returns whichever is stored: the first one
    /// wins, so two writers racing to create a user's first key end up using the same one.
    /// </summary>
    Task<StoredUserKey> CreateIfAbsentAsync(GrainId owner, WrappedDataKey key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the key only if it is still the version <paramref name="current"/> read (same ETag). Returns the new
    /// version, or null when the key was changed or deleted meanwhile; a deleted key is never recreated.
    /// </summary>
    Task<StoredUserKey?> TryReplaceAsync(StoredUserKey current, WrappedDataKey replacement, CancellationToken cancellationToken = default);

    /// <summary>Deletes the key whatever its version (erasure wins over a concurrent rewrap); nothing to do when absent.</summary>
    Task DeleteAsync(GrainId owner, CancellationToken cancellationToken = default);

    /// <summary>Every stored key of this service, each with its ETag, for the rotation to rewrap.</summary>
    IAsyncEnumerable<StoredUserKey> ListAsync(CancellationToken cancellationToken = default);
}

/// <summary>A stored key: its owner, the wrapped key, and the version (ETag) a conditional replace needs.</summary>
[GenerateSerializer, Alias("OrleansReco.StoredUserKey")]
public sealed record StoredUserKey(GrainId Owner, WrappedDataKey Key, string ETag);
