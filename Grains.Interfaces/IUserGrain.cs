using Orleans.Concurrency;

namespace OrleansReco.Grains.Interfaces;

/// <summary>
/// One shopper, keyed by the pseudonym of the storefront's user id (never the raw id).
/// Holds the bounded history with decayed affinities and keeps the item aggregates in step with it.
/// </summary>
[Alias("OrleansReco.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Records events in order. Returns once the new state is durable.</summary>
    [Alias("Record")]
    Task Record(IReadOnlyList<BehaviourEvent> events);

    /// <summary>The history with affinities, highest affinity first.</summary>
    [Alias("GetContext"), AlwaysInterleave]
    Task<UserContext> GetContext();
}
