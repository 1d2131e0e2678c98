namespace OrleansReco.Grains.Storage;

/// <summary>The aggregate grain that a set of rows belongs to: its kind (<c>item</c>, <c>index</c>) and its key.</summary>
public readonly record struct RowOwner(string Kind, string Key);

/// <summary>
/// Everything stored for one owner: its head (null when nothing is stored) with the head's ETag, and every other row of
/// the owner by name, listed or not by the head (the layer above decides what a row means).
/// </summary>
public sealed record OwnerRows(string? HeadETag, byte[]? Head, IReadOnlyDictionary<string, byte[]> Rows)
{
    public static readonly OwnerRows Empty = new(null, null, new Dictionary<string, byte[]>(StringComparer.Ordinal));
}

/// <summary>
/// One checkpoint of one owner: rows to insert (new names only), the new head, written only if the stored head is still
/// at <see cref="ExpectedHeadETag"/> (null: only if there is none), and rows to delete.
/// </summary>
public sealed record RowCommit(
    string? ExpectedHeadETag,
    byte[] Head,
    IReadOnlyList<KeyValuePair<string, byte[]>> Inserts,
    IReadOnlyList<string> Deletes);

/// <summary>
/// Where item and index aggregates are stored: the rows of one owner, a head row that says what the others mean and is
/// the commit point of every checkpoint, under optimistic concurrency on the head. All rows of an owner live in one
/// partition, shared with other owners, so that one request can carry the checkpoints of many owners.
/// </summary>
/// <remarks>
/// A commit that fits one transaction is atomic. A larger one inserts its new rows first (in as many transactions as
/// needed), then writes the head with what deletes fit beside it, then the remaining deletes: if it fails part-way,
/// inserted rows may remain that no head lists, and deleted rows may remain that the committed head no longer lists;
/// the layer above treats unlisted rows as garbage. A delete of a row that is already gone is not an error.
/// </remarks>
public interface IAggregateRowStore
{
    /// <summary>The largest row, head or other, that a commit may hold, in bytes.</summary>
    int MaxRowBytes { get; }

    /// <summary>
    /// Where in each checkpoint interval <paramref name="owner"/> writes, as a fraction of the interval in [0, 1).
    /// Owners whose commits can share a request have the same phase; the others are spread over the interval, so
    /// that a silo's checkpoints do not all reach the table service (and take the silo's CPU) in the same instant.
    /// </summary>
    double CheckpointPhase(RowOwner owner);

    Task<OwnerRows> ReadAsync(RowOwner owner, CancellationToken cancellationToken = default);

    /// <summary>Writes <paramref name="commit"/>; returns the head's new ETag.</summary>
    /// <exception cref="Orleans.Storage.InconsistentStateException">
    /// The head is not at the expected ETag, or an inserted name exists already: the head was not written.
    /// </exception>
    Task<string> CommitAsync(RowOwner owner, RowCommit commit, CancellationToken cancellationToken = default);
}
