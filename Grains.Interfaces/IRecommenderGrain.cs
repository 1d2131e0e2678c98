using Orleans.Concurrency;

namespace OrleansReco.Grains.Interfaces;

/// <summary>Stateless fan-out: user context, then the neighbourhoods of the top history items, then scoring.</summary>
[Alias("OrleansReco.IRecommenderGrain")]
public interface IRecommenderGrain : IGrainWithIntegerKey
{
    [Alias("Recommend")]
    Task<RecommendationResult> Recommend(string userKey, RecommendationRequest request);

    /// <summary>
    /// Every personalised candidate of a request with the features the blend and a learned ranker see, unranked.
    /// For tuning tools; no popularity fill.
    /// </summary>
    [Alias("Candidates")]
    Task<IReadOnlyList<CandidateFeatures>> Candidates(string userKey, RecommendationRequest request);

    [Alias("Popular")]
    Task<IReadOnlyList<PopularItem>> Popular(int count, string? category);
}
