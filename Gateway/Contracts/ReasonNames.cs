using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Gateway.Contracts;

/// <summary>A recommendation's reason as the API and the metrics name it.</summary>
internal static class ReasonNames
{
    public static string Of(RecommendationReason reason) => reason switch
    {
        RecommendationReason.Similar => "similar",
        RecommendationReason.Popular => "popular",
        RecommendationReason.Repeat => "repeat",
        RecommendationReason.Embedding => "embedding",
        RecommendationReason.Segment => "segment",
        RecommendationReason.Content => "content",
        _ => reason.ToString().ToLowerInvariant(),
    };
}
