using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Storage;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Storage;
using OrleansReco.Testing;

namespace OrleansReco.StorageTests;

/// <summary>
/// The Azure table aggregate row store against Azurite, built as a silo builds it (registration, options, validators).
/// Each test has a service id of its own, so its partitions are its own though the table is shared.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureTableAggregateRowStoreTests(AzuriteServer azurite) : AggregateRowStoreConformance, IDisposable
{
    private const string TableName = "ConformanceAggregates";
    private readonly AggregateStoreHarness _harness = AggregateStoreHarness.Create(azurite, TableName, partitions: 64);

    protected override IAggregateRowStore Store => _harness.Store;

    [Fact]
    public async Task An_owners_rows_are_in_its_buckets_partition_under_its_prefix_in_binary_columns()
    {
        var owner = new RowOwner("item", "shoes/red #42");
        await Store.CommitAsync(owner, Create(Bytes(10, 1), Row("a", Bytes(70_000, 2))));

        var partitionKey = TableKeyEncoder.AggregatePartitionKey(_harness.ServiceId, AzureTableAggregateRowStore.Bucket(owner, 64));
        var rows = await _harness.RawRowsAsync(partitionKey);

        Assert.Matches(@"\|\d{4}$", partitionKey);
        Assert.Equal(["item|shoes~002Fred ~002342|a", "item|shoes~002Fred ~002342|head"], rows.Select(r => r.RowKey).Order(StringComparer.Ordinal));
        var a = rows.Single(r => r.RowKey.EndsWith("|a", StringComparison.Ordinal));
        Assert.Equal(["Data0", "Data1"], a.Keys.Where(k => k.StartsWith("Data", StringComparison.Ordinal)).Order());
    }

    [Fact]
    public async Task Owners_keep_their_bucket_across_store_instances()
    {
        var owner = NewOwner();
        var etag = await Store.CommitAsync(owner, Create(Bytes(10, 1)));

        using var again = AggregateStoreHarness.Create(azurite, TableName, partitions: 64, serviceId: _harness.ServiceId);

        Assert.Equal(etag, (await again.Store.ReadAsync(owner)).HeadETag);
    }

    [Fact]
    public async Task Commits_waiting_for_one_partition_go_in_one_transaction()
    {
        using var harness = AggregateStoreHarness.Create(azurite, TableName, partitions: 1);
        var store = harness.Store;
        await store.ReadAsync(NewOwner()); // the table exists: commits queue without waiting for it
        var owners = Enumerable.Range(0, 20).Select(_ => NewOwner()).ToList();

        // The first commit's transaction is held at the client until the others wait behind it.
        var held = harness.Recorder.HoldNext();
        var first = store.CommitAsync(NewOwner(), Create(Bytes(10, 1)));
        await held;
        var commits = owners.Select((owner, i) => store.CommitAsync(owner, Create(Bytes(10, i), Row("a", Bytes(10, 100 + i))))).ToList();
        harness.Recorder.Release();
        await first;
        var etags = await Task.WhenAll(commits);

        Assert.True(harness.Recorder.Transactions.Count < owners.Count + 1, $"{harness.Recorder.Transactions.Count} transactions");
        Assert.Equal([1, 2 * owners.Count], harness.Recorder.Transactions.Select(t => t.Actions));
        for (var i = 0; i < owners.Count; i++)
        {
            var read = await store.ReadAsync(owners[i]);
            AssertHead(etags[i], Bytes(10, i), read);
            Assert.Equal(Bytes(10, 100 + i), read.Rows["a"]);
        }
    }

    [Fact]
    public async Task A_conflict_in_a_shared_transaction_fails_only_its_owner_and_the_others_go_again()
    {
        using var harness = AggregateStoreHarness.Create(azurite, TableName, partitions: 1);
        var store = harness.Store;
        var (loser, b, c) = (NewOwner(), NewOwner(), NewOwner());
        var stale = await store.CommitAsync(loser, Create(Bytes(10, 1)));
        var current = await store.CommitAsync(loser, new RowCommit(stale, Bytes(10, 2), [], []));
        harness.Recorder.Clear();

        var held = harness.Recorder.HoldNext();
        var first = store.CommitAsync(NewOwner(), Create(Bytes(10, 3)));
        await held;
        var losing = store.CommitAsync(loser, new RowCommit(stale, Bytes(10, 4), [], []));
        var commitB = store.CommitAsync(b, Create(Bytes(10, 5)));
        var commitC = store.CommitAsync(c, Create(Bytes(10, 6)));
        harness.Recorder.Release();
        await first;

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => losing);
        Assert.Equal((current, stale), (conflict.StoredEtag, conflict.CurrentEtag));
        Assert.Equal(await commitB, (await store.ReadAsync(b)).HeadETag);
        Assert.Equal(await commitC, (await store.ReadAsync(c)).HeadETag);
        Assert.Equal(Bytes(10, 2), (await store.ReadAsync(loser)).Head);
        // The three shared one transaction; B and C went again without the loser.
        Assert.Equal([1, 3, 2], harness.Recorder.Transactions.Select(t => t.Actions));
    }

    [Fact]
    public async Task A_delete_of_a_missing_row_in_a_shared_transaction_is_dropped_and_the_rest_goes_again()
    {
        using var harness = AggregateStoreHarness.Create(azurite, TableName, partitions: 1);
        var store = harness.Store;
        var (a, b) = (NewOwner(), NewOwner());
        var etagA = await store.CommitAsync(a, Create(Bytes(10, 1), Row("old", Bytes(10, 2))));
        harness.Recorder.Clear();

        var held = harness.Recorder.HoldNext();
        var first = store.CommitAsync(NewOwner(), Create(Bytes(10, 3)));
        await held;
        var commitA = store.CommitAsync(a, new RowCommit(etagA, Bytes(10, 4), [Row("new", Bytes(10, 5))], ["old", "missing"]));
        var commitB = store.CommitAsync(b, Create(Bytes(10, 6)));
        harness.Recorder.Release();
        await first;

        Assert.Equal(await commitA, (await store.ReadAsync(a)).HeadETag);
        Assert.Equal(["new"], (await store.ReadAsync(a)).Rows.Keys);
        Assert.Equal(await commitB, (await store.ReadAsync(b)).HeadETag);
        Assert.Equal([1, 5, 4], harness.Recorder.Transactions.Select(t => t.Actions));
    }

    [Fact]
    public async Task Commits_waiting_together_are_split_into_transactions_within_the_limits()
    {
        using var harness = AggregateStoreHarness.Create(azurite, TableName, partitions: 1);
        var store = harness.Store;
        await store.ReadAsync(NewOwner());

        var held = harness.Recorder.HoldNext();
        var first = store.CommitAsync(NewOwner(), Create(Bytes(10, 1)));
        await held;
        var small = Enumerable.Range(0, 120).Select(i => store.CommitAsync(NewOwner(), Create(Bytes(10, i)))).ToList();
        var large = Enumerable.Range(0, 12).Select(i => store.CommitAsync(NewOwner(), Create(Bytes(store.MaxRowBytes, i)))).ToList();
        harness.Recorder.Release();
        await first;
        await Task.WhenAll(small.Concat(large));

        var transactions = harness.Recorder.Transactions;
        Assert.Equal(1 + 120 + 12, transactions.Sum(t => t.Actions));
        Assert.All(transactions, t => Assert.InRange(t.Actions, 1, 100));
        Assert.All(transactions, t => Assert.True(t.BodyBytes < 4 * 1024 * 1024, $"{t.BodyBytes} bytes"));
        // Waiting commits are taken in arrival order as far as each transaction holds them.
        Assert.Equal(100, transactions[1].Actions);
        Assert.True(transactions.Count <= 5, $"{transactions.Count} transactions");
    }

    [Fact]
    public async Task A_failed_request_fails_every_commit_it_carried_and_writes_none()
    {
        using var harness = AggregateStoreHarness.Create(azurite, TableName, partitions: 1);
        var store = harness.Store;
        var (a, b) = (NewOwner(), NewOwner());
        await store.ReadAsync(a);

        var held = harness.Recorder.HoldNext();
        var first = store.CommitAsync(NewOwner(), Create(Bytes(10, 1)));
        await held;
        var commitA = store.CommitAsync(a, Create(Bytes(10, 2)));
        var commitB = store.CommitAsync(b, Create(Bytes(10, 3), Row("x", Bytes(10, 4))));
        harness.Recorder.FailNext(new RequestFailedException(503, "injected"));
        harness.Recorder.Release();
        await first;

        // A failure on the service's side leaves the store as a transient failure, which callers answer 503.
        await Assert.ThrowsAsync<TransientFailureException>(() => commitA);
        await Assert.ThrowsAsync<TransientFailureException>(() => commitB);
        AssertSame(OwnerRows.Empty, await store.ReadAsync(a));
        AssertSame(OwnerRows.Empty, await store.ReadAsync(b));
    }

    [Fact]
    public async Task A_commit_cancelled_while_it_waits_is_never_sent()
    {
        using var harness = AggregateStoreHarness.Create(azurite, TableName, partitions: 1);
        var store = harness.Store;
        var (a, b) = (NewOwner(), NewOwner());
        await store.ReadAsync(a);

        var held = harness.Recorder.HoldNext();
        var first = store.CommitAsync(NewOwner(), Create(Bytes(10, 1)));
        await held;
        using var cancellation = new CancellationTokenSource();
        var commitA = store.CommitAsync(a, Create(Bytes(10, 2)), cancellation.Token);
        var commitB = store.CommitAsync(b, Create(Bytes(10, 3)));
        await cancellation.CancelAsync();
        harness.Recorder.Release();
        await first;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => commitA);
        Assert.Equal(await commitB, (await store.ReadAsync(b)).HeadETag);
        AssertSame(OwnerRows.Empty, await store.ReadAsync(a));
        Assert.Equal([1, 1], harness.Recorder.Transactions.Select(t => t.Actions));
    }

    [Fact]
    public async Task A_commit_too_big_for_one_transaction_inserts_first_then_writes_the_head_and_keeps_to_the_limits()
    {
        var owner = NewOwner();
        var rows = Enumerable.Range(0, 150).Select(i => Row($"r{i:D3}", Bytes(10, i))).ToArray();
        _harness.Recorder.Clear();

        var etag = await Store.CommitAsync(owner, Create(Bytes(10, 1), rows));
        await Store.CommitAsync(owner, new RowCommit(etag, Bytes(10, 2), [], [.. rows.Select(r => r.Key)]));

        // 150 inserts in two transactions, then the head alone; then the head with 99 deletes, then the other 51.
        Assert.Equal([100, 50, 1, 100, 51], _harness.Recorder.Transactions.Select(t => t.Actions));

        _harness.Recorder.Clear();
        var big = Enumerable.Range(0, 20).Select(i => Row($"big{i}", Bytes(Store.MaxRowBytes, i))).ToArray();
        await Store.CommitAsync(NewOwner(), Create(Bytes(Store.MaxRowBytes, 1), big));

        Assert.True(_harness.Recorder.Transactions.Count >= 3);
        Assert.All(_harness.Recorder.Transactions, t => Assert.True(t.BodyBytes < 4 * 1024 * 1024, $"{t.BodyBytes} bytes"));
    }

    [Fact]
    public async Task A_commit_too_big_for_one_transaction_at_a_stale_etag_leaves_the_head_and_its_rows_as_they_were()
    {
        var owner = NewOwner();
        var stale = await Store.CommitAsync(owner, Create(Bytes(10, 1), Row("keep", Bytes(10, 2))));
        await Store.CommitAsync(owner, new RowCommit(stale, Bytes(10, 3), [], []));
        var before = await Store.ReadAsync(owner);
        var rows = Enumerable.Range(0, 150).Select(i => Row($"r{i:D3}", Bytes(10, i))).ToArray();

        await Assert.ThrowsAsync<InconsistentStateException>(() => Store.CommitAsync(owner, new RowCommit(stale, Bytes(10, 4), rows, ["keep"])));

        // Its inserts went first and may remain (garbage no head lists); the head and the rows it lists are untouched.
        var after = await Store.ReadAsync(owner);
        AssertHead(before.HeadETag, before.Head!, after);
        Assert.Equal(Bytes(10, 2), after.Rows["keep"]);
    }

    [Fact]
    public async Task The_table_is_created_when_the_silo_starts()
    {
        var tableName = "Aggregates" + Guid.NewGuid().ToString("N")[..8];
        using var harness = AggregateStoreHarness.Create(azurite, tableName, partitions: 4);
        var lifecycle = new RecordingLifecycle();

        ((ILifecycleParticipant<ISiloLifecycle>)harness.Store).Participate(lifecycle);
        await lifecycle.StartAsync();

        var tables = new List<string>();
        await foreach (var table in new TableServiceClient(azurite.ConnectionString).QueryAsync(t => t.Name == tableName))
        {
            tables.Add(table.Name);
        }

        Assert.Equal([tableName], tables);
    }

    [Fact]
    public async Task An_unreachable_account_fails_start_up()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.Configure<ClusterOptions>(o => o.ServiceId = "unreachable");
        var clientOptions = new TableClientOptions();
        clientOptions.Retry.MaxRetries = 0;
        // Port 9 (discard) on loopback: nothing listens there in the test environment.
        services.AddAzureTableAggregateRows(options => options.Configure(o =>
        {
            o.ConnectionString = $"DefaultEndpointsProtocol=http;AccountName={AzuriteServer.AccountName};AccountKey={AzuriteServer.AccountKey};TableEndpoint=http://127.0.0.1:9/{AzuriteServer.AccountName};";
            o.ClientOptions = clientOptions;
        }));
        await using var provider = services.BuildServiceProvider();
        var lifecycle = new RecordingLifecycle();
        foreach (var participant in provider.GetServices<ILifecycleParticipant<ISiloLifecycle>>())
        {
            participant.Participate(lifecycle);
        }

        await Assert.ThrowsAnyAsync<Exception>(lifecycle.StartAsync);
    }

    public void Dispose() => _harness.Dispose();

    /// <summary>Runs the start-up of whatever subscribed, as a silo would.</summary>
    private sealed class RecordingLifecycle : ISiloLifecycle
    {
        private readonly List<(int Stage, ILifecycleObserver Observer)> _observers = [];

        public int HighestCompletedStage { get; private set; }

        public int LowestStoppedStage { get; private set; }

        public IDisposable Subscribe(string observerName, int stage, ILifecycleObserver observer)
        {
            _observers.Add((stage, observer));
            return new NoDispose();
        }

        public async Task StartAsync()
        {
            foreach (var (stage, observer) in _observers.OrderBy(o => o.Stage))
            {
                await observer.OnStart(CancellationToken.None);
                HighestCompletedStage = stage;
            }
        }

        private sealed class NoDispose : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }
}

/// <summary>The aggregate row store as a silo would build it, in a plain container, with its table requests recorded.</summary>
internal sealed class AggregateStoreHarness : IDisposable
{
    private readonly ServiceProvider _services;

    private AggregateStoreHarness(ServiceProvider services, string serviceId, TableClient table, TransactionRecorder recorder)
    {
        _services = services;
        ServiceId = serviceId;
        Table = table;
        Recorder = recorder;
        Store = services.GetRequiredService<IAggregateRowStore>();
    }

    public IAggregateRowStore Store { get; }

    public string ServiceId { get; }

    /// <summary>Raw access to the table, to check what is stored.</summary>
    public TableClient Table { get; }

    public TransactionRecorder Recorder { get; }

    public static AggregateStoreHarness Create(AzuriteServer azurite, string tableName, int partitions, string? serviceId = null)
    {
        serviceId ??= "aggregates-" + Guid.NewGuid().ToString("N")[..12];
        var recorder = new TransactionRecorder();
        var clientOptions = new TableClientOptions();
        clientOptions.AddPolicy(recorder, HttpPipelinePosition.PerCall);
        var services = new ServiceCollection();
        services.AddLogging();
        services.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = "storage-tests";
            o.ServiceId = serviceId;
        });
        services.AddAzureTableAggregateRows(options => options.Configure(o =>
        {
            o.ConnectionString = azurite.ConnectionString;
            o.AggregateTableName = tableName;
            o.AggregatePartitions = partitions;
            o.ClientOptions = clientOptions;
        }));
        var provider = services.BuildServiceProvider();
        foreach (var validator in provider.GetServices<Orleans.IConfigurationValidator>())
        {
            validator.ValidateConfiguration();
        }

        return new AggregateStoreHarness(provider, serviceId, new TableServiceClient(azurite.ConnectionString).GetTableClient(tableName), recorder);
    }

    public async Task<List<TableEntity>> RawRowsAsync(string partitionKey)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in Table.QueryAsync<TableEntity>(e => e.PartitionKey == partitionKey))
        {
            rows.Add(row);
        }

        return rows;
    }

    public void Dispose() => _services.Dispose();
}

/// <summary>
/// Records every entity group transaction the client sends (its actions and body size), and can hold the next one at
/// the client until released, so that a test can make commits wait behind it without timing.
/// </summary>
internal sealed class TransactionRecorder : HttpPipelinePolicy
{
    private readonly Lock _gate = new();
    private readonly List<(int Actions, long BodyBytes)> _transactions = [];
    private TaskCompletionSource? _arrived;
    private TaskCompletionSource? _release;
    private Exception? _failNext;

    public IReadOnlyList<(int Actions, long BodyBytes)> Transactions
    {
        get
        {
            lock (_gate)
            {
                return [.. _transactions];
            }
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _transactions.Clear();
        }
    }

    /// <summary>Holds the next transaction until <see cref="Release"/>; the task completes when it has arrived.</summary>
    public Task HoldNext()
    {
        lock (_gate)
        {
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _arrived.Task;
        }
    }

    /// <summary>The next transaction fails with <paramref name="exception"/> at the client, as a lost request would.</summary>
    public void FailNext(Exception exception)
    {
        lock (_gate)
        {
            _failNext = exception;
        }
    }

    public void Release()
    {
        lock (_gate)
        {
            _release?.TrySetResult();
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await Record(message);
        await ProcessNextAsync(message, pipeline);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message).GetAwaiter().GetResult();
        ProcessNext(message, pipeline);
    }

    /// <summary>Records a transaction; completes when it may go (it may be the one held), or fails it if asked to.</summary>
    private Task Record(HttpMessage message)
    {
        if (!message.Request.Uri.Path.EndsWith("/$batch", StringComparison.Ordinal) || message.Request.Content is not { } content)
        {
            return Task.CompletedTask;
        }

        using var body = new MemoryStream();
        content.WriteTo(body, CancellationToken.None);
        // Each action is one part of type application/http in the multipart body.
        var actions = Encoding.UTF8.GetString(body.ToArray()).Split("Content-Type: application/http").Length - 1;
        lock (_gate)
        {
            _transactions.Add((actions, body.Length));
            if (_arrived is { } arrived)
            {
                _arrived = null;
                arrived.TrySetResult();
                return _release!.Task;
            }

            if (_failNext is { } failure)
            {
                _failNext = null;
                return Task.FromException(failure);
            }

            return Task.CompletedTask;
        }
    }
}
