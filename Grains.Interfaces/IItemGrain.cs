namespace OrleansReco.Grains.Interfaces;

/// <summary>One product, keyed by the storefront's item id: catalogue data, co-occurrence counts, neighbourhood.</summary>
[Alias("OrleansReco.IItemGrain")]
public interface IItemGrain : IGrainWithStringKey
{
    [Alias("Upsert")]
    Task Upsert(ItemDetails details);

    [Alias("GetDetails")]
    Task<ItemDetails?> GetDetails();

    /// <summary>Applies one user-side change to the aggregates. Idempotent per <see cref="ItemContribution.DeliveryId"/>.</summary>
    [Alias("Apply")]
    Task Apply(ItemContribution contribution);

    /// <summary>Top neighbours by similarity, only pairs supported by at least the configured minimum of users.</summary>
    [Alias("GetNeighbours")]
    Task<IReadOnlyList<Neighbour>> GetNeighbours(int count);

    [Alias("GetCounts")]
    Task<ItemCounts> GetCounts();
}
