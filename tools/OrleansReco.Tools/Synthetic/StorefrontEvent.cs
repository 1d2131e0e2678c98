namespace OrleansReco.Tools.Synthetic;

/// <summary>What a shopper did; serialised in lower case on the wire ("view", "cart", "purchase").</summary>
public enum StorefrontEventType
{
    View,
    Cart,
    Purchase,
}

/// <summary>One behaviour event as a storefront sends it. Plain types only, so tests and benchmarks need nothing else.</summary>
public sealed record StorefrontEvent(string UserId, string ItemId, StorefrontEventType Type, DateTimeOffset Timestamp);

/// <summary>One product of a catalogue, as the catalog role upserts it.</summary>
public sealed record CatalogItem(
    string ItemId,
    string? Title,
    string? Category,
    IReadOnlyList<string> Tags,
    decimal? Price,
    bool Available);

/// <summary>A synthetic shopper and the taste cluster that drove its events (ground truth for tests and evaluation).</summary>
public sealed record SyntheticShopper(string UserId, int Cluster, IReadOnlyList<string> PreferredCategories);
