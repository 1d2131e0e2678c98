using System.Net;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansReco.Grains.Privacy;

namespace OrleansReco.Grains.Storage;

/// <summary>
/// Wrapped data keys in an Azure table of their own (<c>OrleansRecoKeys</c> by default). One row per owner grain:
/// partition key from service id and grain id (<see cref="TableKeyEncoder"/>, as for state rows), a fixed row key,
/// and three properties: <c>MasterKeyId</c> (plain: it says which master key unwraps), <c>WrappedKey</c> (the sealed
/// data key) and <c>Owner</c> (the grain id, which the rotation needs to rewrap and a shortened partition key could
/// not give back). A key is never stored in plain; deleting a key deletes its row.
/// </summary>
/// <remarks>Logs never name the owner or the table keys.</remarks>
public sealed partial class AzureTableUserKeyStore : IUserKeyStore, ILifecycleParticipant<ISiloLifecycle>
{
    internal const string RowKey = "datakey";
    internal const string OwnerProperty = "Owner";
    internal const string MasterKeyIdProperty = "MasterKeyId";
    internal const string WrappedKeyProperty = "WrappedKey";
    private static readonly string[] Columns = [OwnerProperty, MasterKeyIdProperty, WrappedKeyProperty];

    private readonly string _name;
    private readonly string _serviceId;
    private readonly TableClient _table;
    private readonly TableCreation _creation;
    private readonly ILogger<AzureTableUserKeyStore> _logger;

    public AzureTableUserKeyStore(string name, UserKeyStoreOptions options, IOptions<ClusterOptions> clusterOptions, ILogger<AzureTableUserKeyStore> logger)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new OrleansConfigurationException($"User key store '{name}': no connection string is configured.");
        }

        _name = name;
        _serviceId = clusterOptions.Value.ServiceId;
        _logger = logger;
        _table = new TableServiceClient(options.ConnectionString).GetTableClient(options.TableName);
        _creation = new TableCreation(_table);
        TableName = options.TableName;
    }

    public string TableName { get; }

    public void Participate(ISiloLifecycle lifecycle) =>
        // Creating the table at start-up makes a wrong connection string fail the silo, not a user's first write.
        lifecycle.Subscribe(
            OptionFormattingUtilities.Name<AzureTableUserKeyStore>(_name),
            ServiceLifecycleStage.ApplicationServices,
            _creation.EnsureCreatedAsync);

    public async Task<StoredUserKey?> GetAsync(GrainId owner, CancellationToken cancellationToken = default)
    {
        await _creation.EnsureCreatedAsync(cancellationToken);
        try
        {
            var response = await _table.GetEntityIfExistsAsync<TableEntity>(PartitionKey(owner), RowKey, Columns, cancellationToken);
            return response.HasValue && response.Value is not null ? ToStored(response.Value) : null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFailure(exception, "read");
            StorageUnavailable.ThrowIf(exception, "read");
            throw;
        }
    }

    public async Task<StoredUserKey> CreateIfAbsentAsync(GrainId owner, WrappedDataKey key, CancellationToken cancellationToken = default)
    {
        await _creation.EnsureCreatedAsync(cancellationToken);
        var entity = ToEntity(owner, key);
        // A conflict means another writer created the key first; its key wins. Should that key vanish before it is
        // read (erased meanwhile), insert again: a few rounds, since each needs an erasure racing a first write.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var response = await _table.AddEntityAsync(entity, cancellationToken);
                return new StoredUserKey(owner, key, ETagOf(response));
            }
            catch (RequestFailedException exception) when (exception.Status == (int)HttpStatusCode.Conflict)
            {
                if (await GetAsync(owner, cancellationToken) is { } existing)
                {
                    return existing;
                }

                if (attempt == 3)
                {
                    throw new InvalidOperationException("A user's data key was created and deleted repeatedly while this writer tried to create it.", exception);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFailure(exception, "create");
                StorageUnavailable.ThrowIf(exception, "create");
                throw;
            }
        }
    }

    public async Task<StoredUserKey?> TryReplaceAsync(StoredUserKey current, WrappedDataKey replacement, CancellationToken cancellationToken = default)
    {
        await _creation.EnsureCreatedAsync(cancellationToken);
        try
        {
            // Replace with If-Match: a row deleted meanwhile answers 404 and stays deleted (an upsert would resurrect it).
            var response = await _table.UpdateEntityAsync(ToEntity(current.Owner, replacement), new ETag(current.ETag), TableUpdateMode.Replace, cancellationToken);
            return new StoredUserKey(current.Owner, replacement, ETagOf(response));
        }
        catch (RequestFailedException exception) when (exception.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFailure(exception, "replace");
            StorageUnavailable.ThrowIf(exception, "replace");
            throw;
        }
    }

    public async Task DeleteAsync(GrainId owner, CancellationToken cancellationToken = default)
    {
        await _creation.EnsureCreatedAsync(cancellationToken);
        try
        {
            // ETag.All: whatever version is stored, it goes. Deleting a missing row is not an error for this client.
            await _table.DeleteEntityAsync(PartitionKey(owner), RowKey, ETag.All, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFailure(exception, "delete");
            StorageUnavailable.ThrowIf(exception, "delete");
            throw;
        }
    }

    public async IAsyncEnumerable<StoredUserKey> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await _creation.EnsureCreatedAsync(cancellationToken);
        var (from, to) = TableKeyEncoder.ServiceRange(_serviceId);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {from} and PartitionKey lt {to} and RowKey eq {RowKey}");
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, select: Columns, cancellationToken: cancellationToken))
        {
            yield return ToStored(entity);
        }
    }

    private string PartitionKey(GrainId owner) => TableKeyEncoder.PartitionKey(_serviceId, owner);

    private TableEntity ToEntity(GrainId owner, WrappedDataKey key) => new(PartitionKey(owner), RowKey)
    {
        [OwnerProperty] = owner.ToString(),
        [MasterKeyIdProperty] = key.MasterKeyId,
        [WrappedKeyProperty] = key.Ciphertext,
    };

    private static StoredUserKey ToStored(TableEntity entity) => new(
        GrainId.Parse(entity.GetString(OwnerProperty)),
        new WrappedDataKey(entity.GetString(MasterKeyIdProperty), entity.GetBinary(WrappedKeyProperty)),
        entity.ETag.ToString());

    private static string ETagOf(Response response) =>
        response.Headers.ETag?.ToString() ?? throw new InvalidOperationException("Azure Table Storage answered a write without an ETag.");

    // Not the exception: the SDK's message quotes the request URI, whose partition key holds the grain key.
    private void LogFailure(Exception exception, string operation) =>
        LogFailure(operation, exception.GetType().Name, (exception as RequestFailedException)?.Status, (exception as RequestFailedException)?.ErrorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "User key store {Operation} failed: {ExceptionType}, status {Status}, error {ErrorCode}")]
    private partial void LogFailure(string operation, string exceptionType, int? status, string? errorCode);
}
