using Orleans.Concurrency;

namespace OrleansReco.Grains.Interfaces;

/// <summary>Stateless fan-out: user context, then the neighbourhoods of the top history items, then scoring.</summary>
[Alias("OrleansReco.IRecommenderGrain")]
public interface IRecommenderGrain : IGrainWithIntegerKey
{
    [Alias("Recommend")]
    Task<RecommendationResult> Recommend(string userKey, RecommendationRequest request);

    [Alias("Popular")]
    Task<IReadOnlyList<PopularItem>> Popular(int count, string? category);
}
