using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;

namespace OrleansReco.Grains.Storage;

/// <summary>
/// <see cref="IAggregateRowStore"/> in this process, for tests and the in-process evaluation cluster: the same rules,
/// conflicts and row limit as the table store, and every commit atomic. The silos of one process share the rows of
/// their service (an owner may reactivate on another silo), and clusters of different service ids keep apart; the rows
/// last as long as the process. Rows are copied in and out, so no caller ever shares an array with the store.
/// </summary>
public sealed class MemoryAggregateRowStore : IAggregateRowStore
{
    private static readonly ConcurrentDictionary<string, Service> Services = new(StringComparer.Ordinal);

    private readonly Service _service;

    public MemoryAggregateRowStore(IOptions<ClusterOptions> clusterOptions)
        : this(clusterOptions.Value.ServiceId)
    {
    }

    /// <summary>The store of <paramref name="serviceId"/>'s rows in this process, shared with every other store of that id.</summary>
    public MemoryAggregateRowStore(string serviceId)
    {
        ArgumentNullException.ThrowIfNull(serviceId);
        _service = Services.GetOrAdd(serviceId, _ => new Service());
    }

    public int MaxRowBytes => AggregateRowRules.MaxRowBytes;

    /// <summary>Spread as the table store's default partitions are, so that a test silo's checkpoints come in the same waves.</summary>
    public double CheckpointPhase(RowOwner owner) =>
        AzureTableAggregateRowStore.Phase(owner, AggregateRowStoreOptions.DefaultPartitions);

    // Failures come back in the task, as from the table store, never thrown by the call itself.
    public Task<OwnerRows> ReadAsync(RowOwner owner, CancellationToken cancellationToken = default) =>
        Run(() => Read(owner, cancellationToken), cancellationToken);

    public Task<string> CommitAsync(RowOwner owner, RowCommit commit, CancellationToken cancellationToken = default) =>
        Run(() => Commit(owner, commit, cancellationToken), cancellationToken);

    private static Task<T> Run<T>(Func<T> operation, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult(operation());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }
        catch (Exception exception)
        {
            return Task.FromException<T>(exception);
        }
    }

    private OwnerRows Read(RowOwner owner, CancellationToken cancellationToken)
    {
        AggregateRowRules.ValidateOwner(owner);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_service.Gate)
        {
            if (!_service.Owners.TryGetValue(owner, out var stored))
            {
                return OwnerRows.Empty;
            }

            var rows = stored.Rows.ToDictionary(r => r.Key, r => (byte[])r.Value.Clone(), StringComparer.Ordinal);
            return new OwnerRows(stored.HeadETag, (byte[])stored.Head.Clone(), rows);
        }
    }

    private string Commit(RowOwner owner, RowCommit commit, CancellationToken cancellationToken)
    {
        AggregateRowRules.ValidateCommit(owner, commit);
        cancellationToken.ThrowIfCancellationRequested();
        // Copied before taking the lock: the caller may reuse its arrays as soon as this returns.
        var head = (byte[])commit.Head.Clone();
        var inserts = commit.Inserts.Select(r => (r.Key, Data: (byte[])r.Value.Clone())).ToList();
        lock (_service.Gate)
        {
            _service.Owners.TryGetValue(owner, out var stored);
            if (stored?.HeadETag != commit.ExpectedHeadETag)
            {
                var what = stored is null ? "no head is stored"
                    : commit.ExpectedHeadETag is null ? "a head exists already"
                    : "the head is not at the expected ETag";
                throw Conflict(owner, what, stored?.HeadETag, commit.ExpectedHeadETag);
            }

            if (stored is not null && inserts.Any(r => stored.Rows.ContainsKey(r.Key)))
            {
                throw Conflict(owner, "a row to insert exists already", stored.HeadETag, commit.ExpectedHeadETag);
            }

            stored ??= _service.Owners[owner] = new StoredOwner();
            foreach (var (name, data) in inserts)
            {
                stored.Rows.Add(name, data);
            }

            foreach (var name in commit.Deletes)
            {
                stored.Rows.Remove(name); // a row already gone is not an error
            }

            stored.Head = head;
            stored.HeadETag = (++_service.LastETag).ToString(CultureInfo.InvariantCulture);
            return stored.HeadETag;
        }
    }

    private static InconsistentStateException Conflict(RowOwner owner, string what, string? stored, string? expected) =>
        new($"Conflict on commit of a {owner.Kind} aggregate: {what}; stored head ETag {stored ?? "(none)"}, expected {expected ?? "(none)"}. The head was not written.",
            stored ?? "(none)", expected ?? "(none)");

    /// <summary>The rows of one service id in this process.</summary>
    private sealed class Service
    {
        public Lock Gate { get; } = new();

        public Dictionary<RowOwner, StoredOwner> Owners { get; } = [];

        public long LastETag;
    }

    private sealed class StoredOwner
    {
        /// <summary>Null only before the owner's first commit completes, which happens under the same lock.</summary>
        public string? HeadETag { get; set; }

        public byte[] Head { get; set; } = [];

        public Dictionary<string, byte[]> Rows { get; } = new(StringComparer.Ordinal);
    }
}
