using Orleans.Concurrency;
using OrleansReco.Grains.Hosting;
using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Grains.Storage;

/// <summary>
/// Reads a row that is never written, from the table that holds the shoppers' state: one point read, no personal data.
/// A stateless worker, so the silo that takes the gateway's call probes from where it runs.
/// </summary>
[StatelessWorker]
public sealed class StorageProbeGrain(
    [PersistentState("probe", RecoStorage.State)] IPersistentState<StorageProbeGrain.NeverWritten> state) : Grain, IStorageProbeGrain
{
    public Task Probe() => state.ReadStateAsync();

    [GenerateSerializer, Alias("OrleansReco.StorageProbeGrain.NeverWritten")]
    public sealed class NeverWritten;
}
