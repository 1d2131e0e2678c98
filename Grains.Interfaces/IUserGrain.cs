using Orleans.Concurrency;

namespace OrleansReco.Grains.Interfaces;

/// <summary>
/// One shopper, keyed by the pseudonym of the storefront's user id (never the raw id).
/// Holds the bounded history with decayed affinities and keeps the item aggregates in step with it.
/// </summary>
[Alias("OrleansReco.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records events in order. Returns once they are durable in the user's own state, together with the item changes
    /// they imply (the outbox); the items apply those after the answer (<see cref="WaitForDeliveries"/>). Interleaves:
    /// batches arriving while one is written are written together next.
    /// </summary>
    [Alias("Record"), AlwaysInterleave]
    Task Record(IReadOnlyList<BehaviourEvent> events);

    /// <summary>
    /// Completes once every change recorded so far is applied by every item it touches and held there by a durable
    /// checkpoint, retrying deliveries that fail meanwhile. For tools and tests that read item aggregates right after
    /// writing events; a storefront has no need of it.
    /// </summary>
    [Alias("WaitForDeliveries"), AlwaysInterleave]
    Task WaitForDeliveries();

    /// <summary>
    /// The history with affinities, highest affinity first, and the user vector of the current model. Interleaves, so a
    /// recommendation does not wait behind a write of the shopper; it sees the state last stored, never a change in flight.
    /// </summary>
    [Alias("GetContext"), AlwaysInterleave]
    Task<UserContext> GetContext();

    /// <summary>
    /// The history with affinities, for the embedding trainer: empty without consent. Unlike
    /// <see cref="GetContext"/> it does not fold the user into the current model; like it, it interleaves and sees the
    /// state last stored.
    /// </summary>
    [Alias("GetTrainingHistory"), AlwaysInterleave]
    Task<IReadOnlyList<HistoryAffinity>> GetTrainingHistory();

    /// <summary>Replaces the profile attributes (stored encrypted under the user's key).</summary>
    [Alias("SetProfile")]
    Task SetProfile(IReadOnlyDictionary<string, string> attributes);

    /// <summary>Without consent, recommendations are not personalised and no history is recorded.</summary>
    [Alias("SetConsent")]
    Task SetConsent(bool personalization);

    /// <summary>Everything held about the user, decrypted; null when nothing is held.</summary>
    [Alias("Export")]
    Task<UserExport?> Export();

    /// <summary>
    /// Retracts every contribution from the item aggregates, destroys the data key (from then on no copy of the
    /// state can be read), deletes the state, writes the receipt and deactivates. Returns once all of that is done.
    /// Idempotent.
    /// </summary>
    [Alias("Erase")]
    Task<ErasureReceipt> Erase(ErasureRequest request);
}
