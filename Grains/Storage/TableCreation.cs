using System.Text.RegularExpressions;
using Azure.Data.Tables;

namespace OrleansReco.Grains.Storage;

/// <summary>
/// Creates a table once, at silo start or on first use, whichever comes first. Safe to call many times and from
/// many threads; a failed attempt (Azure unreachable at start) is retried by the next caller instead of sticking.
/// </summary>
internal sealed partial class TableCreation(TableClient table)
{
    /// <summary>Azure's rule for table names: 3 to 63 letters or digits, not starting with a digit.</summary>
    internal static bool IsValidName(string? tableName) => TableNamePattern().IsMatch(tableName ?? string.Empty);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableNamePattern();

    private readonly Lock _gate = new();
    private Task? _create;

    public Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        // Fast path once created, so concurrent operations do not contend on the lock.
        if (Volatile.Read(ref _create) is { IsCompletedSuccessfully: true })
        {
            return Task.CompletedTask;
        }

        Task create;
        lock (_gate)
        {
            if (_create is null || _create.IsFaulted || _create.IsCanceled)
            {
                _create = table.CreateIfNotExistsAsync(CancellationToken.None);
            }

            create = _create;
        }

        return create.WaitAsync(cancellationToken);
    }
}
