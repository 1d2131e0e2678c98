using System.Net;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;
using OrleansReco.Grains.Model;

namespace OrleansReco.Grains.Storage;

/// <summary>
/// <see cref="IAggregateRowStore"/> on Azure Table Storage (or Azurite), in a table of its own (<c>OrleansRecoAggregates</c>).
/// </summary>
/// <remarks>
/// <para>
/// Layout. PartitionKey: escaped service id, <c>|</c>, the owner's bucket (stable FNV-1a hash of kind and key, modulo
/// <see cref="AggregateRowStoreOptions.AggregatePartitions"/>) in four digits; every row of an owner is in that
/// partition, beside the rows of other owners of the bucket. RowKey: escaped kind, <c>|</c>, escaped key, <c>|</c>,
/// row name; the head is the row named <c>head</c>. Row data is in binary columns Data0..Data3 (<see cref="BinaryColumns"/>).
/// </para>
/// <para>
/// Writes go as entity group transactions, at most one in flight per partition: commits of different owners that wait
/// for the same partition meanwhile go together in the next one, each owner's actions whole and in order (group
/// commit). When the service refuses one action, only that action's owner fails; the others go again without it.
/// </para>
/// <para>Logs name the owner's kind and the operation only, never the owner's key or a table key.</para>
/// </remarks>
public sealed partial class AzureTableAggregateRowStore : IAggregateRowStore, ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>The service's limit on actions in one transaction; Azurite's too.</summary>
    internal const int MaxTransactionActions = 100;

    /// <summary>
    /// The service refuses a transaction whose request body exceeds 4 MiB (Azurite answers 413 for the whole request).
    /// Bodies are estimated from above (<see cref="EstimatedBytes"/>) and kept 256 KiB further below the limit. (Azurite
    /// counts the body as sent, with binary columns in base64.)
    /// </summary>
    internal const long MaxTransactionBytes = 4 * 1024 * 1024 - 256 * 1024;

    /// <summary>Per action: multipart boundary, request line and headers, JSON punctuation.</summary>
    private const int ActionOverheadBytes = 1024;

    /// <summary>
    /// Per key character, at worst: in the request URL as three percent-encoded UTF-8 bytes (9), and in the JSON body
    /// as a <c>\uXXXX</c> escape (6).
    /// </summary>
    private const int KeyCharBytes = 16;

    /// <summary>Per binary column: its name and type annotation, and base64 padding.</summary>
    private const int ColumnOverheadBytes = 64;

    private readonly TableClient _table;
    private readonly TableCreation _creation;
    private readonly ILogger<AzureTableAggregateRowStore> _logger;
    private readonly Partition[] _partitions;

    public AzureTableAggregateRowStore(
        AggregateRowStoreOptions options, IOptions<ClusterOptions> clusterOptions, ILogger<AzureTableAggregateRowStore> logger)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new OrleansConfigurationException("Aggregate row store: no connection string is configured.");
        }

        if (options.AggregatePartitions is < 1 or > AggregateRowStoreOptions.MaxPartitions)
        {
            throw new OrleansConfigurationException(
                $"Aggregate row store: {options.AggregatePartitions} partitions; it must be 1 to {AggregateRowStoreOptions.MaxPartitions}.");
        }

        _logger = logger;
        TableName = options.AggregateTableName;
        _table = new TableServiceClient(options.ConnectionString, options.ClientOptions ?? new TableClientOptions()).GetTableClient(TableName);
        _creation = new TableCreation(_table);
        var serviceId = clusterOptions.Value.ServiceId;
        _partitions = Enumerable.Range(0, options.AggregatePartitions)
            .Select(bucket => new Partition(TableKeyEncoder.AggregatePartitionKey(serviceId, bucket)))
            .ToArray();
    }

    public string TableName { get; }

    public int MaxRowBytes => AggregateRowRules.MaxRowBytes;

    public void Participate(ISiloLifecycle lifecycle) =>
        // Creating the table at start-up makes a wrong connection string fail the silo, not the first checkpoint.
        lifecycle.Subscribe(nameof(AzureTableAggregateRowStore), ServiceLifecycleStage.ApplicationServices, EnsureTableAsync);

    /// <summary>Creates the table if missing. Safe to call many times; also done lazily by the first operation.</summary>
    public Task EnsureTableAsync(CancellationToken cancellationToken) => _creation.EnsureCreatedAsync(cancellationToken);

    /// <summary>The bucket of <paramref name="owner"/> among <paramref name="partitions"/>: the same in every process and run.</summary>
    internal static int Bucket(RowOwner owner, int partitions) =>
        // A kind holds no '|', so the joined string is distinct per owner (not that a hash needs it).
        (int)(ShardPlacement.Fnv1a(owner.Kind + "|" + owner.Key) % (uint)partitions);

    /// <summary>The owners of one partition share transactions, so they write together; the partitions take turns.</summary>
    public double CheckpointPhase(RowOwner owner) => Phase(owner, _partitions.Length);

    internal static double Phase(RowOwner owner, int partitions) => (double)Bucket(owner, partitions) / partitions;

    internal static string RowPrefix(RowOwner owner) => TableKeyEncoder.OwnerRowPrefix(owner.Kind, owner.Key, AggregateRowRules.MaxNameLength);

    public async Task<OwnerRows> ReadAsync(RowOwner owner, CancellationToken cancellationToken = default)
    {
        AggregateRowRules.ValidateOwner(owner);
        await EnsureTableAsync(cancellationToken);
        var partitionKey = _partitions[Bucket(owner, _partitions.Length)].Key;
        var prefix = RowPrefix(owner);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {partitionKey} and RowKey ge {prefix} and RowKey lt {TableKeyEncoder.PrefixEnd(prefix)}");
        string? headETag = null;
        byte[]? head = null;
        var rows = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            // One range query over the owner's keys; the SDK follows continuation tokens page by page.
            await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                // A row written with no bytes has no columns.
                var data = BinaryColumns.Read(entity) ?? [];
                var name = entity.RowKey[prefix.Length..];
                if (name == AggregateRowRules.HeadName)
                {
                    (head, headETag) = (data, entity.ETag.ToString());
                }
                else
                {
                    rows[name] = data;
                }
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFailure(owner.Kind, "read", exception);
            StorageUnavailable.ThrowIf(exception, "read");
            throw;
        }

        return head is null && rows.Count == 0 ? OwnerRows.Empty : new OwnerRows(headETag, head, rows);
    }

    public async Task<string> CommitAsync(RowOwner owner, RowCommit commit, CancellationToken cancellationToken = default)
    {
        AggregateRowRules.ValidateCommit(owner, commit);
        await EnsureTableAsync(cancellationToken);
        var partition = _partitions[Bucket(owner, _partitions.Length)];
        var prefix = RowPrefix(owner);
        string? headETag = null;
        foreach (var step in Plan(owner, partition.Key, prefix, commit))
        {
            if (headETag is null)
            {
                try
                {
                    var result = await SendAsync(partition, step, cancellationToken);
                    if (step.Head is not null)
                    {
                        headETag = result ?? throw new InvalidOperationException("Azure Table Storage answered a head write without an ETag.");
                    }
                }
                catch (RequestFailedException) when (step.Conflict)
                {
                    throw await InconsistentAsync(owner, partition.Key, prefix, step, commit.ExpectedHeadETag, cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogFailure(owner.Kind, "commit", exception);
                    StorageUnavailable.ThrowIf(exception, "commit");
                    throw;
                }
            }
            else
            {
                // The head is the commit point and it is written: rows it no longer lists are garbage to the layer
                // above whether deleted or not, so a failure here costs space, not the commit.
                try
                {
                    await SendAsync(partition, step, CancellationToken.None);
                }
                catch (Exception exception)
                {
                    LogRowsLeft(owner.Kind, exception);
                    break;
                }
            }
        }

        return headETag!;
    }

    /// <summary>
    /// The commit as groups of actions, each to go whole in one transaction: one group when it fits, else inserts in as
    /// many as needed, then the head with what deletes fit beside it, then the remaining deletes.
    /// </summary>
    private static List<Group> Plan(RowOwner owner, string partitionKey, string prefix, RowCommit commit)
    {
        var inserts = commit.Inserts
            .Select(row => Sized(TableTransactionActionType.Add, partitionKey, prefix + row.Key, row.Value, default))
            .ToList();
        var headKey = prefix + AggregateRowRules.HeadName;
        // Add fails if a head exists; replace with If-Match fails if the head changed or is gone.
        var head = commit.ExpectedHeadETag is null
            ? Sized(TableTransactionActionType.Add, partitionKey, headKey, commit.Head, default)
            : Sized(TableTransactionActionType.UpdateReplace, partitionKey, headKey, commit.Head, new ETag(commit.ExpectedHeadETag));
        var deletes = commit.Deletes
            .Select(name => Sized(TableTransactionActionType.Delete, partitionKey, prefix + name, null, ETag.All))
            .ToList();

        List<SizedAction> all = [.. inserts, head, .. deletes];
        if (all.Count <= MaxTransactionActions && all.Sum(a => a.Bytes) <= MaxTransactionBytes)
        {
            return [new Group(owner, all, head.Action)];
        }

        var groups = Pack(owner, inserts, lead: null);
        groups.AddRange(Pack(owner, deletes, lead: head));
        return groups;
    }

    /// <summary>
    /// Packs <paramref name="actions"/> in order into groups that fit a transaction each, the first group led by
    /// <paramref name="lead"/> when there is one (the head, whose group is the one that writes it).
    /// </summary>
    private static List<Group> Pack(RowOwner owner, List<SizedAction> actions, SizedAction? lead)
    {
        var groups = new List<Group>();
        List<SizedAction> current = lead is { } first ? [first] : [];
        foreach (var action in actions)
        {
            if (current.Count == MaxTransactionActions || current.Sum(a => a.Bytes) + action.Bytes > MaxTransactionBytes)
            {
                groups.Add(new Group(owner, current, groups.Count == 0 ? lead?.Action : null));
                current = [];
            }

            current.Add(action);
        }

        if (current.Count > 0)
        {
            groups.Add(new Group(owner, current, groups.Count == 0 ? lead?.Action : null));
        }

        return groups;
    }

    private static SizedAction Sized(TableTransactionActionType type, string partitionKey, string rowKey, byte[]? data, ETag etag)
    {
        var entity = new TableEntity(partitionKey, rowKey);
        if (data is not null)
        {
            BinaryColumns.Write(entity, data);
        }

        var columns = data is null ? 0 : (data.Length + BinaryColumns.ColumnBytes - 1) / BinaryColumns.ColumnBytes;
        var action = etag == default ? new TableTransactionAction(type, entity) : new TableTransactionAction(type, entity, etag);
        return new SizedAction(action, EstimatedBytes(partitionKey, rowKey, data?.Length ?? 0, columns));
    }

    /// <summary>An upper bound of what an action adds to a transaction's request body: binary travels as base64.</summary>
    internal static long EstimatedBytes(string partitionKey, string rowKey, long dataBytes, int columns) =>
        ActionOverheadBytes + KeyCharBytes * (partitionKey.Length + rowKey.Length) + (dataBytes + 2) / 3 * 4 + ColumnOverheadBytes * columns;

    /// <summary>Queues <paramref name="group"/> for its partition and waits for the transaction that carries it.</summary>
    private async Task<string?> SendAsync(Partition partition, Group group, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var start = false;
        lock (partition)
        {
            partition.Waiting.Add(group);
            (start, partition.Sending) = (!partition.Sending, true);
        }

        if (start)
        {
            // The loop serves every caller of the partition from now on, so it takes none of this caller's context
            // (trace activity and other async-locals) along to later transactions. (Suppressing twice would throw.)
            if (ExecutionContext.IsFlowSuppressed())
            {
                _ = SendWhileWaitingAsync(partition);
            }
            else
            {
                using (ExecutionContext.SuppressFlow())
                {
                    _ = SendWhileWaitingAsync(partition);
                }
            }
        }

        // Cancellation is honoured while the group waits; once sent, its outcome is awaited like any other.
        await using var registration = cancellationToken.Register(() =>
        {
            lock (partition)
            {
                if (partition.Waiting.Remove(group))
                {
                    group.Done.TrySetCanceled(cancellationToken);
                }
            }
        });
        return await group.Done.Task;
    }

    /// <summary>
    /// Holds the partition's one transaction in flight: sends what waits, then what arrived meanwhile, until nothing
    /// waits. Runs off the callers' contexts after its first send (ConfigureAwait(false)).
    /// </summary>
    private async Task SendWhileWaitingAsync(Partition partition)
    {
        while (true)
        {
            List<Group> batch;
            lock (partition)
            {
                batch = partition.TakeBatch();
                if (batch.Count == 0)
                {
                    partition.Sending = false;
                    return;
                }
            }

            var again = await SubmitAsync(batch).ConfigureAwait(false);
            if (again.Count > 0)
            {
                lock (partition)
                {
                    // Ahead of what arrived meanwhile, so each owner's groups keep their order.
                    partition.Waiting.InsertRange(0, again);
                }
            }
        }
    }

    /// <summary>Sends one transaction and settles its groups; returns those to send again. Never throws.</summary>
    private async Task<List<Group>> SubmitAsync(List<Group> batch)
    {
        var actions = batch.SelectMany(g => g.Actions).Select(a => a.Action).ToList();
        try
        {
            var responses = (await _table.SubmitTransactionAsync(actions, CancellationToken.None).ConfigureAwait(false)).Value;
            var offset = 0;
            foreach (var group in batch)
            {
                var headIndex = group.Actions.FindIndex(a => a.Action == group.Head);
                group.Done.TrySetResult(headIndex < 0 ? null : responses[offset + headIndex].Headers.ETag?.ToString());
                offset += group.Actions.Count;
            }

            return [];
        }
        catch (TableTransactionFailedException exception)
            when (exception.FailedTransactionActionIndex is { } index && index >= 0 && index < actions.Count)
        {
            // The service applied nothing. Only the owner of the failed action is concerned; the others go again.
            var (failed, position) = Locate(batch, index);
            var action = failed.Actions[position].Action;
            if (action.ActionType == TableTransactionActionType.Delete && exception.Status == (int)HttpStatusCode.NotFound)
            {
                failed.Actions.RemoveAt(position); // the row is gone already, as the delete wanted
            }
            else
            {
                failed.FailedOnHead = action == failed.Head;
                failed.Conflict = IsConflict(exception, failed.FailedOnHead);
                failed.Done.TrySetException(exception);
            }

            var again = new List<Group>(batch.Count);
            foreach (var group in batch.Where(g => !g.Done.Task.IsCompleted))
            {
                if (group.Actions.Count == 0)
                {
                    group.Done.TrySetResult(null); // only deletes of rows already gone
                }
                else
                {
                    again.Add(group);
                }
            }

            return again;
        }
        catch (Exception exception)
        {
            // The whole request failed (transport, service, a response the client could not read): every commit in it.
            foreach (var group in batch)
            {
                group.Done.TrySetException(exception);
            }

            return [];
        }
    }

    private static (Group Group, int Position) Locate(List<Group> batch, int index)
    {
        foreach (var group in batch)
        {
            if (index < group.Actions.Count)
            {
                return (group, index);
            }

            index -= group.Actions.Count;
        }

        throw new ArgumentOutOfRangeException(nameof(index));
    }

    /// <summary>
    /// 409 (a row to add exists) and 412 (the head changed) are conflicts, and so is 404 on the head's replace: the head
    /// the caller read is gone.
    /// </summary>
    private static bool IsConflict(RequestFailedException exception, bool isHead) =>
        exception.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed
        || (isHead && exception.Status == (int)HttpStatusCode.NotFound);

    private async Task<InconsistentStateException> InconsistentAsync(
        RowOwner owner, string partitionKey, string prefix, Group step, string? expected, CancellationToken cancellationToken)
    {
        // One extra read on the conflict path only, so the exception can say what is stored now. Not the SDK's exception
        // as its cause: it travels to the caller, and its message quotes table keys.
        string stored;
        try
        {
            var head = await _table.GetEntityIfExistsAsync<TableEntity>(partitionKey, prefix + AggregateRowRules.HeadName, ["PartitionKey"], cancellationToken);
            stored = head.HasValue && head.Value is not null ? head.Value.ETag.ToString() : "(none)";
        }
        catch (RequestFailedException)
        {
            stored = "Unknown";
        }

        var what = !step.FailedOnHead ? "a row to insert exists already"
            : expected is null ? "a head exists already"
            : "the head is not at the expected ETag";
        LogConflict(owner.Kind, stored, expected ?? "(none)");
        return new InconsistentStateException(
            $"Conflict on commit of a {owner.Kind} aggregate in table {TableName}: {what}; stored head ETag {stored}, expected {expected ?? "(none)"}. The head was not written.",
            stored, expected ?? "(none)");
    }

    // The exception itself is not logged: a service error's text can quote a row key (InvalidDuplicateRow does).
    private void LogFailure(string kind, string operation, Exception exception) =>
        LogFailure(kind, operation, exception.GetType().Name, (exception as RequestFailedException)?.Status, (exception as RequestFailedException)?.ErrorCode);

    private void LogRowsLeft(string kind, Exception exception) =>
        LogRowsLeft(kind, exception.GetType().Name, (exception as RequestFailedException)?.Status, (exception as RequestFailedException)?.ErrorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Aggregate row store {Operation} failed for a {Kind} aggregate: {ExceptionType}, status {Status}, error {ErrorCode}")]
    private partial void LogFailure(string kind, string operation, string exceptionType, int? status, string? errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Aggregate row store committed the head of a {Kind} aggregate but left rows it no longer lists: {ExceptionType}, status {Status}, error {ErrorCode}")]
    private partial void LogRowsLeft(string kind, string exceptionType, int? status, string? errorCode);

    [LoggerMessage(Level = LogLevel.Debug, Message = "ETag conflict on commit of a {Kind} aggregate: stored {StoredEtag}, expected {ExpectedEtag}")]
    private partial void LogConflict(string kind, string storedEtag, string expectedEtag);

    private readonly record struct SizedAction(TableTransactionAction Action, long Bytes);

    /// <summary>Actions of one owner that go whole in one transaction, and the caller waiting for them.</summary>
    private sealed class Group(RowOwner owner, List<SizedAction> actions, TableTransactionAction? head)
    {
        public RowOwner Owner { get; } = owner;

        public List<SizedAction> Actions { get; } = actions;

        /// <summary>The head's action when this group writes it: its response carries the new ETag.</summary>
        public TableTransactionAction? Head { get; } = head;

        public long Bytes => Actions.Sum(a => a.Bytes);

        /// <summary>Set before <see cref="Done"/> fails, when the failure is an ETag or name conflict.</summary>
        public bool Conflict { get; set; }

        /// <summary>Whether the action that failed was the head's (else an insert's).</summary>
        public bool FailedOnHead { get; set; }

        // Asynchronous continuations: settling a group must not run its caller's code on the partition's send loop.
        public TaskCompletionSource<string?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>One partition's queue: groups waiting, and whether a transaction is in flight.</summary>
    private sealed class Partition(string key)
    {
        public string Key { get; } = key;

        public List<Group> Waiting { get; } = [];

        public bool Sending { get; set; }

        /// <summary>
        /// Takes, in arrival order, the waiting groups that fit one transaction together. An owner's groups go one per
        /// transaction (a transaction takes a row once) and in order: once one waits, its later ones wait too. The first
        /// group always fits, since every group fits alone.
        /// </summary>
        public List<Group> TakeBatch()
        {
            var batch = new List<Group>();
            var owners = new HashSet<RowOwner>();
            var (actions, bytes) = (0, 0L);
            for (var i = 0; i < Waiting.Count && actions < MaxTransactionActions;)
            {
                var group = Waiting[i];
                var groupBytes = group.Bytes;
                if (owners.Add(group.Owner) && actions + group.Actions.Count <= MaxTransactionActions && bytes + groupBytes <= MaxTransactionBytes)
                {
                    batch.Add(group);
                    (actions, bytes) = (actions + group.Actions.Count, bytes + groupBytes);
                    Waiting.RemoveAt(i);
                }
                else
                {
                    i++;
                }
            }

            return batch;
        }
    }
}
