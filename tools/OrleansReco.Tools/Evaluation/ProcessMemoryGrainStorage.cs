using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace OrleansReco.Tools.Evaluation;

/// <summary>
/// Grain state for a cluster whose silos all run in this process: one dictionary shared by every silo, each state
/// stored as the bytes of Orleans' binary serializer (as Azure Table storage stores it, so no grain ever shares an
/// object with storage), with ETag checks as a real store does. Orleans' own memory storage routes each read and
/// write through a storage grain, possibly on another silo: for a replay that writes an item's state on every change,
/// that detour cost a fifth of the CPU, a cost no production storage has.
/// </summary>
public sealed class ProcessMemoryGrainStorage(
    ProcessMemoryGrainStorage.Store store, IGrainStorageSerializer serializer, IActivatorProvider activators) : IGrainStorage
{
    private Dictionary<(string StateName, GrainId Grain), (string ETag, BinaryData Data)> States => store.States;
    private Lock Gate => store.Gate;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        lock (Gate)
        {
            if (States.TryGetValue((stateName, grainId), out var stored))
            {
                grainState.State = serializer.Deserialize<T>(stored.Data);
                grainState.ETag = stored.ETag;
                grainState.RecordExists = true;
            }
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var data = serializer.Serialize(grainState.State);
        lock (Gate)
        {
            ThrowUnlessCurrent(stateName, grainId, grainState.ETag);
            var etag = (++store.LastETag).ToString();
            States[(stateName, grainId)] = (etag, data);
            grainState.ETag = etag;
            grainState.RecordExists = true;
        }
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        lock (Gate)
        {
            ThrowUnlessCurrent(stateName, grainId, grainState.ETag);
            States.Remove((stateName, grainId));
            grainState.State = activators.GetActivator<T>().Create();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
        return Task.CompletedTask;
    }

    private void ThrowUnlessCurrent(string stateName, GrainId grainId, string? etag)
    {
        var stored = States.TryGetValue((stateName, grainId), out var state) ? state.ETag : null;
        if (stored != etag)
        {
            throw new InconsistentStateException(
                $"State {stateName} of {grainId.Type} changed since it was read.", stored ?? "(none)", etag ?? "(none)");
        }
    }

    /// <summary>The states themselves: one per process, shared by the storage of every silo in it.</summary>
    public sealed class Store
    {
        internal Dictionary<(string StateName, GrainId Grain), (string ETag, BinaryData Data)> States { get; } = [];
        internal Lock Gate { get; } = new();
        internal long LastETag;
    }
}
