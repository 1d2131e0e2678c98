using Orleans.Concurrency;

namespace OrleansReco.Grains.Interfaces;

/// <summary>
/// Stateless fan-out of the storefront's reads: for a recommendation the user context, then the neighbourhoods of the
/// top history items, then scoring; popular items and catalogue pages over the index shards.
/// </summary>
[Alias("OrleansReco.IRecommenderGrain")]
public interface IRecommenderGrain : IGrainWithIntegerKey
{
    [Alias("Recommend")]
    Task<RecommendationResult> Recommend(string userKey, RecommendationRequest request);

    [Alias("Popular")]
    Task<IReadOnlyList<PopularItem>> Popular(int count, string? category);

    /// <summary>
    /// A page of the catalogue: every item the index knows (upserted or seen in events), in ordinal id order after
    /// <paramref name="after"/>, optionally of one category, with each item's catalogue data.
    /// </summary>
    [Alias("Catalogue")]
    Task<IReadOnlyList<CatalogueItem>> Catalogue(string? category, string? after, int count);
}
