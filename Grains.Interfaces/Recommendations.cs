namespace OrleansReco.Grains.Interfaces;

/// <summary>A user's history entry as the recommender sees it.</summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.HistoryAffinity")]
public sealed record HistoryAffinity(string ItemId, double Affinity, bool Purchased);

/// <summary>What the recommender needs from a user grain: the history with affinities, highest first.</summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.UserContext")]
public sealed record UserContext(IReadOnlyList<HistoryAffinity> History, bool Personalization);

/// <param name="Mode">Discovery leaves out what the user bought; repeat-aware ranks the user's own items too.</param>
/// <param name="RepeatWeight">
/// Overrides the configured weight of the user's own affinity in repeat-aware mode. For tuning tools that score
/// several weights on one replay; the gateway never sets it.
/// </param>
[GenerateSerializer, Immutable, Alias("OrleansReco.RecommendationRequest")]
public sealed record RecommendationRequest(
    int Count,
    bool ExcludeSeen,
    string? Category,
    IReadOnlyList<string> Exclude,
    RecommendationMode Mode = RecommendationMode.Discovery,
    double? RepeatWeight = null);

[GenerateSerializer, Alias("OrleansReco.RecommendationMode")]
public enum RecommendationMode
{
    Discovery = 0,
    Repeat = 1,
}

/// <summary>
/// Why an item is in a list: from the neighbourhoods of the user's history, popularity fill, or (repeat-aware mode)
/// the user's own history, when their own affinity gave it most of its score.
/// </summary>
[GenerateSerializer, Alias("OrleansReco.RecommendationReason")]
public enum RecommendationReason
{
    Similar = 0,
    Popular = 1,
    Repeat = 2,
}

[GenerateSerializer, Immutable, Alias("OrleansReco.RecommendedItem")]
public sealed record RecommendedItem(string ItemId, double Score, string? Because, RecommendationReason Reason);

[GenerateSerializer, Immutable, Alias("OrleansReco.RecommendationResult")]
public sealed record RecommendationResult(IReadOnlyList<RecommendedItem> Items, bool Personalized);
