namespace OrleansReco.Grains.Interfaces;

/// <summary>One product, keyed by the storefront's item id: catalogue data, co-occurrence counts, neighbourhood.</summary>
[Alias("OrleansReco.IItemGrain")]
public interface IItemGrain : IGrainWithStringKey
{
    [Alias("Upsert")]
    Task Upsert(ItemDetails details);

    [Alias("GetDetails")]
    Task<ItemDetails?> GetDetails();

    /// <summary>
    /// Applies user-side changes to the aggregates, in order, with one state write. Idempotent per
    /// <see cref="ItemContribution.DeliveryId"/>: a contribution applied before is skipped.
    /// </summary>
    [Alias("Apply")]
    Task Apply(IReadOnlyList<ItemContribution> contributions);

    /// <summary>Top neighbours by similarity, only pairs supported by at least the configured minimum of users.</summary>
    [Alias("GetNeighbours")]
    Task<IReadOnlyList<Neighbour>> GetNeighbours(int count);

    [Alias("GetCounts")]
    Task<ItemCounts> GetCounts();
}
