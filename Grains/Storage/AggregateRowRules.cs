namespace OrleansReco.Grains.Storage;

/// <summary>
/// The rules every <see cref="IAggregateRowStore"/> applies before it stores anything, so that a commit the memory
/// store accepts is one the table store accepts too.
/// </summary>
internal static class AggregateRowRules
{
    /// <summary>The head's row name; callers never use it for their own rows.</summary>
    public const string HeadName = "head";

    public const int MaxNameLength = 64;

    /// <summary>
    /// 256 KiB, four binary columns. Azure counts an entity's binary columns at their size (1 MiB per entity), but
    /// Azurite checks an entity's JSON body, where binary travels as base64, against 1 MiB: a quarter of that keeps
    /// both well clear, and ten such rows still fit one 4 MiB transaction.
    /// </summary>
    public const int MaxRowBytes = 4 * BinaryColumns.ColumnBytes;

    /// <summary>
    /// Throws when <paramref name="owner"/> cannot be stored: its kind names a sort of aggregate (<c>item</c>,
    /// <c>index</c>) and follows the row-name rule; its key may be any string.
    /// </summary>
    public static void ValidateOwner(RowOwner owner)
    {
        ArgumentNullException.ThrowIfNull(owner.Kind, "owner.Kind");
        ArgumentNullException.ThrowIfNull(owner.Key, "owner.Key");
        if (!IsValidName(owner.Kind))
        {
            throw new ArgumentException(
                $"An owner's kind must be 1 to {MaxNameLength} characters of a-z, 0-9, '.' and '-'; '{owner.Kind}' is not.", nameof(owner));
        }
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> for a name that breaks the rules or appears twice, and
    /// <see cref="ArgumentOutOfRangeException"/> for a row larger than <see cref="MaxRowBytes"/>.
    /// </summary>
    public static void ValidateCommit(RowOwner owner, RowCommit commit)
    {
        ValidateOwner(owner);
        ArgumentNullException.ThrowIfNull(commit);
        ArgumentNullException.ThrowIfNull(commit.Head, "commit.Head");
        ArgumentNullException.ThrowIfNull(commit.Inserts, "commit.Inserts");
        ArgumentNullException.ThrowIfNull(commit.Deletes, "commit.Deletes");
        ThrowIfTooLarge(owner, HeadName, commit.Head.Length);

        // One row can be the subject of one action only: a table transaction refuses a row twice, and an insert plus a
        // delete of one name has no single meaning.
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, data) in commit.Inserts)
        {
            ValidateRowName(name);
            ArgumentNullException.ThrowIfNull(data, $"commit.Inserts[{name}]");
            ThrowIfTooLarge(owner, name, data.Length);
            if (!names.Add(name))
            {
                throw new ArgumentException($"Row '{name}' is inserted twice in one commit.", nameof(commit));
            }
        }

        foreach (var name in commit.Deletes)
        {
            ValidateRowName(name);
            if (!names.Add(name))
            {
                throw new ArgumentException($"Row '{name}' is deleted twice, or inserted and deleted, in one commit.", nameof(commit));
            }
        }
    }

    /// <summary>1 to 64 characters of a-z, 0-9, '.' and '-': safe in a table key as it is, and never a separator.</summary>
    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= MaxNameLength } && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-');

    private static void ValidateRowName(string? name)
    {
        if (!IsValidName(name) || name == HeadName)
        {
            throw new ArgumentException(
                $"A row name must be 1 to {MaxNameLength} characters of a-z, 0-9, '.' and '-', and not '{HeadName}'; '{name}' is not.", "commit");
        }
    }

    private static void ThrowIfTooLarge(RowOwner owner, string name, int length)
    {
        if (length > MaxRowBytes)
        {
            // Checked before anything is written, so an oversized row leaves the stored rows as they were.
            throw new ArgumentOutOfRangeException(
                "commit",
                $"Row '{name}' of a {owner.Kind} aggregate is {length} bytes; the aggregate row store holds at most {MaxRowBytes} bytes per row. Nothing was written.");
        }
    }
}
