namespace OrleansReco.Grains.Interfaces;

/// <summary>Asks a silo whether its storage answers: what the gateway's readiness needs besides a reachable cluster.</summary>
[Alias("OrleansReco.IStorageProbeGrain")]
public interface IStorageProbeGrain : IGrainWithIntegerKey
{
    /// <summary>Completes when storage answered a read; fails when it did not.</summary>
    [Alias("Probe")]
    Task Probe();
}
