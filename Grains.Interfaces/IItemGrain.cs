namespace OrleansReco.Grains.Interfaces;

/// <summary>One product, keyed by the storefront's item id: catalogue data, co-occurrence counts, neighbourhood.</summary>
[Alias("OrleansReco.IItemGrain")]
public interface IItemGrain : IGrainWithStringKey, ICheckpointedGrain
{
    [Alias("Upsert")]
    Task Upsert(ItemDetails details);

    [Alias("GetDetails")]
    Task<ItemDetails?> GetDetails();

    /// <summary>
    /// Applies user-side changes to the aggregates in memory, in order, and returns the receipt of the checkpoint that
    /// will hold them (<see cref="ICheckpointedGrain.WaitDurable"/>). Idempotent per
    /// <see cref="ItemContribution.DeliveryId"/>: a contribution applied before is skipped, until its sender says the
    /// id may be <paramref name="forgotten"/> (its own state no longer holds the change, so it never sends it again).
    /// The lists are made for the call and never changed after: a call within a silo need not copy them. Applying is
    /// quick, so a call that takes long went to a silo that is gone: its sender hears so in seconds and delivers again.
    /// </summary>
    [Alias("Apply"), ResponseTimeout("00:00:10")]
    Task<CheckpointReceipt> Apply([Immutable] IReadOnlyList<ItemContribution> contributions, [Immutable] IReadOnlyList<Guid> forgotten);

    /// <summary>
    /// Top neighbours by similarity: co-occurring items, only pairs supported by at least the configured minimum of
    /// users, blended with items like this one by catalogue text (all text for an item no one holds yet).
    /// </summary>
    [Alias("GetNeighbours")]
    Task<IReadOnlyList<Neighbour>> GetNeighbours(int count);

    /// <summary>
    /// The top <paramref name="count"/> neighbours as <see cref="GetNeighbours"/> gives them, and as many items like
    /// this one by content, each weighted by how little co-occurrence it has: one call for what a recommendation
    /// reads of a history item.
    /// </summary>
    [Alias("GetNeighbourhood")]
    Task<ItemNeighbourhood> GetNeighbourhood(int count);

    [Alias("GetCounts")]
    Task<ItemCounts> GetCounts();
}
