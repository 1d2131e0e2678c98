namespace OrleansReco.Gateway.Contracts;

// The JSON shapes of the v1 API. Requests are parsed by hand (see Validation/); the request records here exist so
// that the OpenAPI document describes them.

/// <summary>A behaviour event as the storefront sends it. <c>type</c> is view, cart or purchase.</summary>
public sealed record EventRequest(string UserId, string ItemId, string Type, DateTimeOffset? Timestamp);

public sealed record EventsAccepted(int Accepted);

public sealed record RecommendedItemResponse(string ItemId, double Score, string? Because, string Reason);

public sealed record RecommendationsResponse(IReadOnlyList<RecommendedItemResponse> Items, bool Personalized);

public sealed record SimilarItemResponse(string ItemId, double Similarity, int Support, string? Category);

public sealed record SimilarItemsResponse(string ItemId, IReadOnlyList<SimilarItemResponse> Items);

public sealed record PopularItemResponse(string ItemId, double Score, string? Category);

public sealed record PopularItemsResponse(IReadOnlyList<PopularItemResponse> Items);

/// <summary>Catalogue data of an item. Missing <c>available</c> means true; missing <c>tags</c> means none.</summary>
public sealed record ItemUpsertRequest(string? Title, string? Category, IReadOnlyList<string>? Tags, decimal? Price, bool? Available);
