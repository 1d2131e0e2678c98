namespace OrleansReco.Grains.Interfaces;

/// <summary>
/// A user's history entry as the recommender sees it: <see cref="Affinity"/> (decayed event weights) drives
/// neighbourhoods and the embedding, <see cref="RepeatAffinity"/> (frequency times recency, on a longer half-life)
/// ranks the user's own items in repeat-aware mode; <see cref="LastSeen"/> (unix seconds, event time) is when the
/// user last acted on the item, for training that weighs entries by their age across all users.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.HistoryAffinity")]
public sealed record HistoryAffinity(string ItemId, double Affinity, bool Purchased, double RepeatAffinity, long LastSeen = 0);

/// <summary>The user's vector folded in against the item vectors of model <see cref="Version"/>.</summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.UserEmbedding")]
public sealed record UserEmbedding(long Version, float[] Vector);

/// <summary>
/// What the recommender needs from a user grain: the history with affinities, highest first, and the embedding as of
/// the user's last change (null before any model, or when no history item is in it).
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.UserContext")]
public sealed record UserContext(IReadOnlyList<HistoryAffinity> History, bool Personalization, UserEmbedding? Embedding = null);

/// <summary>
/// Weights of the hybrid score: neighbourhood, embedding, (repeat-aware mode only) the user's own affinity, and the
/// learned item-to-item weights, and content (catalogue text) for items with little co-occurrence.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.BlendWeights")]
public sealed record BlendWeights(double Neighbourhood, double Embedding, double Repeat, double ItemToItem = 0, double Content = 0);

/// <param name="Mode">Discovery leaves out what the user bought; repeat-aware ranks the user's own items too.</param>
/// <param name="Weights">
/// Overrides the configured blend weights. For tuning tools that score several weights on one replay; the gateway
/// never sets it. Discovery mode ignores the repeat weight.
/// </param>
/// <param name="Diversity">
/// λ of maximal marginal relevance, 0 to 1: 0 ranks by relevance alone (the list as without it), 1 by dissimilarity to
/// the items listed before (the first item is still the most relevant). Appended last, as <see cref="MaxPerCategory"/>,
/// so older callers' messages read as 0.
/// </param>
/// <param name="MaxPerCategory">At most this many items of one category (items without a category are not capped); null: no cap.</param>
[GenerateSerializer, Immutable, Alias("OrleansReco.RecommendationRequest")]
public sealed record RecommendationRequest(
    int Count,
    bool ExcludeSeen,
    string? Category,
    IReadOnlyList<string> Exclude,
    RecommendationMode Mode = RecommendationMode.Discovery,
    BlendWeights? Weights = null,
    double Diversity = 0,
    int? MaxPerCategory = null);

[GenerateSerializer, Alias("OrleansReco.RecommendationMode")]
public enum RecommendationMode
{
    Discovery = 0,
    Repeat = 1,
}

/// <summary>
/// Why an item is in a list: whichever part of the hybrid score gave it most: the neighbourhoods of the user's history
/// (similar), the embedding (shoppers with similar histories liked it), the user's own history (repeat-aware mode),
/// or popularity fill.
/// </summary>
[GenerateSerializer, Alias("OrleansReco.RecommendationReason")]
public enum RecommendationReason
{
    Similar = 0,
    Popular = 1,
    Repeat = 2,
    Embedding = 3,

    /// <summary>Popular in the shopper's segment: the fill for a shopper with one or two history items.</summary>
    Segment = 4,

    /// <summary>Like a history item by its catalogue text: how a product without co-occurrence yet gets listed.</summary>
    Content = 5,
}

[GenerateSerializer, Immutable, Alias("OrleansReco.RecommendedItem")]
public sealed record RecommendedItem(string ItemId, double Score, string? Because, RecommendationReason Reason);

[GenerateSerializer, Immutable, Alias("OrleansReco.RecommendationResult")]
public sealed record RecommendationResult(IReadOnlyList<RecommendedItem> Items, bool Personalized);
