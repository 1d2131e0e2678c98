using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace OrleansReco.Grains.Storage;

/// <summary>
/// Stands in front of Orleans' Azure Table grain storage and hands it grain ids and state names it stores without
/// merging: it maps <c>/ \ # ?</c> in both to <c>_</c> (so the client-chosen item ids <c>a/b</c> and <c>a_b</c> would
/// share a row) and passes control characters and over-long keys on to the service, which refuses them. Keys are
/// escaped by <see cref="TableKeyEncoder"/>, as in the project's other tables.
/// </summary>
/// <remarks>
/// Its failures leave here as the product's: a conflict as a plain <see cref="InconsistentStateException"/> (Orleans'
/// carries the SDK's exception, whose message quotes the table keys, and its type lives in an assembly a gateway does
/// not load), a failure that asking again can mend as <see cref="TransientFailureException"/> (the gateway's 503).
/// </remarks>
internal sealed class TableSafeGrainStorage(IGrainStorage table, string serviceId) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Guarded<T>("read", stateName, grainId, grainState.ETag,
            () => table.ReadStateAsync(TableKeyEncoder.RowKey(stateName), Stored(grainId), grainState));

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Guarded<T>("write", stateName, grainId, grainState.ETag,
            () => table.WriteStateAsync(TableKeyEncoder.RowKey(stateName), Stored(grainId), grainState));

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.ETag is null && await StoredEtagAsync<T>(stateName, grainId) is not null)
        {
            // Orleans' provider clears nothing without an ETag. A row may still exist, written by another activation
            // of this grain (after a silo failure): erasure must not pass over it silently, so that is a conflict.
            throw await ConflictAsync<T>("clear", stateName, grainId, etag: null);
        }

        await Guarded<T>("clear", stateName, grainId, grainState.ETag,
            () => table.ClearStateAsync(TableKeyEncoder.RowKey(stateName), Stored(grainId), grainState));
    }

    /// <summary>Runs one call of Orleans' provider, its failures leaving as the product's.</summary>
    private async Task Guarded<T>(string operation, string stateName, GrainId grainId, string? etag, Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (InconsistentStateException)
        {
            throw await ConflictAsync<T>(operation, stateName, grainId, etag);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            StorageUnavailable.ThrowIf(exception, operation);
            throw;
        }
    }

    private GrainId Stored(GrainId grainId) => GrainId.Create(grainId.Type, TableKeyEncoder.GrainKey(serviceId, grainId));

    private async Task<string?> StoredEtagAsync<T>(string stateName, GrainId grainId)
    {
        var stored = new GrainState<T>();
        await ReadStateAsync(stateName, grainId, stored);
        return stored.ETag;
    }

    /// <summary>One extra read, on the conflict path only, so the exception can say what is stored now.</summary>
    private async Task<InconsistentStateException> ConflictAsync<T>(string operation, string stateName, GrainId grainId, string? etag)
    {
        string stored;
        try
        {
            stored = await StoredEtagAsync<T>(stateName, grainId) ?? "(none)";
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            stored = "Unknown";
        }

        return new InconsistentStateException(
            $"Optimistic concurrency conflict on {operation} of state '{stateName}' of a {grainId.Type} grain: stored ETag " +
            $"{stored}, grain's ETag {etag ?? "(none)"}.",
            stored,
            etag ?? "(none)");
    }
}
