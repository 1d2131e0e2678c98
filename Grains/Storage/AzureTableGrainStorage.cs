using System.Net;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace OrleansReco.Grains.Storage;

/// <summary>
/// Grain storage on Azure Table Storage (or Azurite): one row per grain and state name, optimistic
/// concurrency by ETag, state split over binary columns, delete on clear.
/// </summary>
/// <remarks>
/// Logs name the grain type and state name only. The grain key (a user pseudonym for user grains) and the
/// table keys derived from it are never logged here; Orleans' own error for a failed operation names the grain and
/// carries the exception, and reaches the logs redacted (<see cref="Interfaces.Logging.GrainKeyRedaction"/>).
/// </remarks>
public sealed partial class AzureTableGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly string _name;
    private readonly AzureTableStorageOptions _options;
    private readonly string _serviceId;
    private readonly IActivatorProvider _activators;
    private readonly ILogger<AzureTableGrainStorage> _logger;
    private readonly TableClient _table;
    private readonly TableCreation _creation;

    public AzureTableGrainStorage(
        string name,
        AzureTableStorageOptions options,
        IOptions<ClusterOptions> clusterOptions,
        IActivatorProvider activators,
        ILogger<AzureTableGrainStorage> logger)
    {
        _name = name;
        _options = options;
        _serviceId = clusterOptions.Value.ServiceId;
        _activators = activators;
        _logger = logger;
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new OrleansConfigurationException($"Grain storage '{name}': no connection string is configured.");
        }

        if (options.GrainStorageSerializer is null)
        {
            throw new OrleansConfigurationException($"Grain storage '{name}': no grain storage serializer is configured.");
        }

        _table = new TableServiceClient(options.ConnectionString).GetTableClient(options.TableName);
        _creation = new TableCreation(_table);
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        // Creating the table at start-up makes a wrong connection string fail the silo, not the first request.
        lifecycle.Subscribe(
            OptionFormattingUtilities.Name<AzureTableGrainStorage>(_name),
            ServiceLifecycleStage.ApplicationServices,
            EnsureTableAsync);

    /// <summary>Creates the table if missing. Safe to call many times; also done lazily by the first operation.</summary>
    public Task EnsureTableAsync(CancellationToken cancellationToken) => _creation.EnsureCreatedAsync(cancellationToken);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var (partitionKey, rowKey) = Keys(stateName, grainId);
        try
        {
            var response = await _table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken);
            if (!response.HasValue || response.Value is null)
            {
                SetEmpty(grainState, etag: null);
                return;
            }

            var entity = response.Value;
            var data = StateColumns.Read(entity);
            if (data is null)
            {
                // A row kept by clear-without-delete: no state, but its ETag guards the next write.
                SetEmpty(grainState, entity.ETag.ToString());
                return;
            }

            grainState.State = _options.GrainStorageSerializer.Deserialize<T>(new BinaryData(data));
            grainState.ETag = entity.ETag.ToString();
            grainState.RecordExists = true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFailure(exception, "read", grainId.Type, stateName);
            StorageUnavailable.ThrowIf(exception, "read");
            throw;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var data = _options.GrainStorageSerializer.Serialize(grainState.State).ToMemory();
        if (data.Length > StateColumns.MaxStateBytes)
        {
            // Checked before any request, so an oversized state leaves the stored row as it was.
            throw new ArgumentOutOfRangeException(
                nameof(grainState),
                $"The serialized state '{stateName}' of a {grainId.Type} grain is {data.Length} bytes; Azure Table grain storage " +
                $"holds at most {StateColumns.MaxStateBytes} bytes ({StateColumns.MaxColumns} columns of {StateColumns.ColumnBytes} bytes). Nothing was written.");
        }

        await EnsureTableAsync(cancellationToken);
        var (partitionKey, rowKey) = Keys(stateName, grainId);
        var entity = new TableEntity(partitionKey, rowKey);
        StateColumns.Write(entity, data);
        grainState.ETag = await PutAsync(entity, grainState.ETag, "write", grainId, stateName, cancellationToken);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var (partitionKey, rowKey) = Keys(stateName, grainId);
        string? etag;
        if (_options.DeleteStateOnClear)
        {
            await DeleteAsync(partitionKey, rowKey, grainState.ETag, grainId, stateName, cancellationToken);
            etag = null;
        }
        else
        {
            etag = await PutAsync(new TableEntity(partitionKey, rowKey), grainState.ETag, "clear", grainId, stateName, cancellationToken);
        }

        SetEmpty(grainState, etag);
    }

    /// <summary>Insert when the grain has seen no row (ETag null), else replace only if the row is unchanged.</summary>
    private async Task<string> PutAsync(TableEntity entity, string? etag, string operation, GrainId grainId, string stateName, CancellationToken cancellationToken)
    {
        try
        {
            var response = etag is null
                ? await _table.AddEntityAsync(entity, cancellationToken)
                // Replace, not merge: columns of a larger previous state must not survive.
                : await _table.UpdateEntityAsync(entity, new ETag(etag), TableUpdateMode.Replace, cancellationToken);
            return response.Headers.ETag?.ToString()
                ?? throw new InvalidOperationException("Azure Table Storage answered a write without an ETag.");
        }
        catch (RequestFailedException exception) when (IsConcurrencyConflict(exception))
        {
            throw await InconsistentAsync(entity.PartitionKey, entity.RowKey, etag, operation, grainId, stateName, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFailure(exception, operation, grainId.Type, stateName);
            StorageUnavailable.ThrowIf(exception, operation);
            throw;
        }
    }

    private async Task DeleteAsync(string partitionKey, string rowKey, string? etag, GrainId grainId, string stateName, CancellationToken cancellationToken)
    {
        try
        {
            if (etag is not null)
            {
                await _table.DeleteEntityAsync(partitionKey, rowKey, new ETag(etag), cancellationToken);
                return;
            }

            // The grain has seen no row. Deleting blindly could erase another writer's row, so a row that
            // exists now is a conflict; no row means there is nothing to clear.
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, ["PartitionKey"], cancellationToken);
            if (existing.HasValue && existing.Value is not null)
            {
                throw Inconsistent(existing.Value.ETag.ToString(), null, "clear", grainId, stateName);
            }
        }
        catch (RequestFailedException exception) when (IsConcurrencyConflict(exception))
        {
            throw await InconsistentAsync(partitionKey, rowKey, etag, "clear", grainId, stateName, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not InconsistentStateException)
        {
            LogFailure(exception, "clear", grainId.Type, stateName);
            StorageUnavailable.ThrowIf(exception, "clear");
            throw;
        }
    }

    /// <summary>
    /// 409 (row exists on insert) and 412 (ETag mismatch) are conflicts, and so is 404 on a conditional update
    /// or delete: the row the grain last saw was deleted by another writer.
    /// </summary>
    private static bool IsConcurrencyConflict(RequestFailedException exception) =>
        exception.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed
        || (exception.Status == (int)HttpStatusCode.NotFound && exception.ErrorCode == "ResourceNotFound");

    private async Task<InconsistentStateException> InconsistentAsync(
        string partitionKey, string rowKey, string? currentEtag,
        string operation, GrainId grainId, string stateName, CancellationToken cancellationToken)
    {
        // One extra read on the conflict path only, so the exception can say what is stored now.
        string storedEtag;
        try
        {
            var stored = await _table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, ["PartitionKey"], cancellationToken);
            storedEtag = stored.HasValue && stored.Value is not null ? stored.Value.ETag.ToString() : "(none)";
        }
        catch (RequestFailedException)
        {
            storedEtag = "Unknown";
        }

        return Inconsistent(storedEtag, currentEtag, operation, grainId, stateName);
    }

    /// <summary>
    /// Without the SDK's exception as its cause: it travels to the caller, which may be a gateway without the Azure SDK
    /// (it could not read the answer), and its message quotes table keys, which hold the grain key.
    /// </summary>
    private InconsistentStateException Inconsistent(string storedEtag, string? currentEtag, string operation, GrainId grainId, string stateName)
    {
        LogConflict(operation, grainId.Type, stateName, storedEtag, currentEtag ?? "(none)");
        var message = $"Optimistic concurrency conflict on {operation} of state '{stateName}' of a {grainId.Type} grain in table " +
            $"{_options.TableName}: stored ETag {storedEtag}, grain's ETag {currentEtag ?? "(none)"}.";
        return new InconsistentStateException(message, storedEtag, currentEtag ?? "(none)");
    }

    private (string PartitionKey, string RowKey) Keys(string stateName, GrainId grainId) =>
        (TableKeyEncoder.PartitionKey(_serviceId, grainId), TableKeyEncoder.RowKey(stateName));

    private void SetEmpty<T>(IGrainState<T> grainState, string? etag)
    {
        grainState.State = _activators.GetActivator<T>().Create();
        grainState.ETag = etag;
        grainState.RecordExists = false;
    }

    // Not the exception: the SDK's message quotes the request URI, whose table keys hold the grain key.
    private void LogFailure(Exception exception, string operation, GrainType grainType, string stateName) =>
        LogFailure(operation, stateName, grainType, exception.GetType().Name, (exception as RequestFailedException)?.Status, (exception as RequestFailedException)?.ErrorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain storage {Operation} failed for state {StateName} of grain type {GrainType}: {ExceptionType}, status {Status}, error {ErrorCode}")]
    private partial void LogFailure(string operation, string stateName, GrainType grainType, string exceptionType, int? status, string? errorCode);

    [LoggerMessage(Level = LogLevel.Debug, Message = "ETag conflict on {Operation} of state {StateName} of grain type {GrainType}: stored {StoredEtag}, grain {CurrentEtag}")]
    private partial void LogConflict(string operation, GrainType grainType, string stateName, string storedEtag, string currentEtag);
}
