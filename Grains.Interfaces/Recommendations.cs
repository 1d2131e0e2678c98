namespace OrleansReco.Grains.Interfaces;

/// <summary>A user's history entry as the recommender sees it.</summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.HistoryAffinity")]
public sealed record HistoryAffinity(string ItemId, double Affinity, bool Purchased);

/// <summary>What the recommender needs from a user grain: the history with affinities, highest first.</summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.UserContext")]
public sealed record UserContext(IReadOnlyList<HistoryAffinity> History, bool Personalization);

[GenerateSerializer, Immutable, Alias("OrleansReco.RecommendationRequest")]
public sealed record RecommendationRequest(
    int Count,
    bool ExcludeSeen,
    string? Category,
    IReadOnlyList<string> Exclude);

/// <summary>Why an item is in a list: from the neighbourhoods of the user's history, or popularity fill.</summary>
[GenerateSerializer, Alias("OrleansReco.RecommendationReason")]
public enum RecommendationReason
{
    Similar = 0,
    Popular = 1,
}

[GenerateSerializer, Immutable, Alias("OrleansReco.RecommendedItem")]
public sealed record RecommendedItem(string ItemId, double Score, string? Because, RecommendationReason Reason);

[GenerateSerializer, Immutable, Alias("OrleansReco.RecommendationResult")]
public sealed record RecommendationResult(IReadOnlyList<RecommendedItem> Items, bool Personalized);
