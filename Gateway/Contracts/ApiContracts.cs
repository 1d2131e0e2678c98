namespace OrleansReco.Gateway.Contracts;

// The JSON shapes of the v1 API. Requests are parsed by hand (see Validation/); the request records here exist so
// that the OpenAPI document describes them.

/// <summary>
/// A behaviour event as the storefront sends it. <c>type</c> is view, cart or purchase. <c>eventId</c> (optional,
/// unique per user) makes a retry safe: an event whose id the user's events of the last 24 hours already hold is
/// acknowledged and not recorded again.
/// </summary>
public sealed record EventRequest(string UserId, string ItemId, string Type, DateTimeOffset? Timestamp, string? EventId);

public sealed record EventsAccepted(int Accepted);

public sealed record RecommendedItemResponse(string ItemId, double Score, string? Because, string Reason);

public sealed record RecommendationsResponse(IReadOnlyList<RecommendedItemResponse> Items, bool Personalized);

public sealed record SimilarItemResponse(string ItemId, double Similarity, int Support, string? Category, double Content);

public sealed record SimilarItemsResponse(string ItemId, IReadOnlyList<SimilarItemResponse> Items);

public sealed record PopularItemResponse(string ItemId, double Score, string? Category);

/// <summary>An item of a catalogue page; title, tags and price are absent for an item known only from events.</summary>
public sealed record CatalogueItemResponse(string ItemId, string? Title, string? Category, IReadOnlyList<string> Tags, decimal? Price, bool Available);

/// <summary>A catalogue page; <see cref="Next"/> is the <c>after</c> of the next page, null after the last.</summary>
public sealed record CatalogueResponse(IReadOnlyList<CatalogueItemResponse> Items, string? Next);

public sealed record PopularItemsResponse(IReadOnlyList<PopularItemResponse> Items);

/// <summary>Catalogue data of an item. Missing <c>available</c> means true; missing <c>tags</c> means none.</summary>
public sealed record ItemUpsertRequest(string? Title, string? Category, IReadOnlyList<string>? Tags, decimal? Price, bool? Available);

// Privacy role.

/// <summary>Replaces the shopper's profile. Attribute names: 1-64 of A-Z a-z 0-9 _ - .; values: strings of at most 1,024 characters.</summary>
public sealed record ProfileRequest(IReadOnlyDictionary<string, string> Attributes);

/// <summary>Consent to personalisation; false stops recording and personalisation and deletes the history held.</summary>
public sealed record ConsentRequest(bool Personalization);

public sealed record ConsentResponse(bool Personalization);

public sealed record ExportedHistoryItemResponse(
    string ItemId,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    int Views,
    int Carts,
    int Purchases,
    double Affinity);

/// <summary>Everything held about a shopper. <c>userId</c> is the id the caller gave; nothing stores it.</summary>
public sealed record UserExportResponse(
    string UserId,
    IReadOnlyDictionary<string, string> Profile,
    ConsentResponse Consent,
    IReadOnlyList<ExportedHistoryItemResponse> History,
    IReadOnlyList<float>? Embedding,
    DateTimeOffset ExportedAt,
    SegmentResponse? Segment = null);

/// <summary>
/// The shopper's segment in the current model: the nearest segment centroid to their vector, computed at the request
/// (not stored), and the categories that set that segment apart. Null before a model with segments, and for a shopper
/// without a vector.
/// </summary>
public sealed record SegmentResponse(long ModelVersion, int Id, IReadOnlyList<string> TopCategories);

/// <summary>A shopper segment of a model: its id, how many of the training's shoppers it held, the categories that set it apart.</summary>
public sealed record ModelSegmentResponse(int Id, int Shoppers, IReadOnlyList<string> TopCategories);

/// <summary>Proof of an erasure without the erased id: <c>hash</c> = hex HMAC-SHA256(pepper, "erasure\n" + salt + "\n" + userId).</summary>
/// <param name="ModelCleanBy">An estimate of when every silo serves a trained model (ALS vectors, EASE weights) that no longer depends on the shopper; null when nothing was held.</param>
public sealed record ErasureReceiptResponse(
    Guid ReceiptId, DateTimeOffset ErasedAt, string Salt, string Hash, int HistoryItemsRetracted, DateTimeOffset? ModelCleanBy);

// Admin role.

public sealed record ErasureVerifyRequest(string UserId);

public sealed record ErasureVerifyResponse(bool Matches);

public sealed record KeyRotationReportResponse(string CurrentKeyId, int Rewrapped, int AlreadyCurrent, int Skipped, int Remaining);

/// <summary>
/// A published model: what it was trained on, how, and what the training took; <c>EaseItems</c> is how many items
/// have item-to-item weights; <c>Segments</c> the shopper segments trained with it (empty when off).
/// </summary>
public sealed record EmbeddingModelResponse(
    long Version,
    DateTimeOffset TrainedAt,
    int Users,
    int Items,
    long Interactions,
    int Factors,
    double Regularization,
    double ConfidenceScale,
    int Sweeps,
    int Seed,
    double ReadSeconds,
    double TrainSeconds,
    long TrainingBytes,
    int EaseItems,
    double EaseRegularization,
    IReadOnlyList<ModelSegmentResponse> Segments);

/// <param name="ErasedSinceTraining">True when a shopper was erased (or withdrew consent) after the current model was trained: a retraining follows (<c>retrainAt</c>).</param>
/// <param name="RetrainAt">When the retraining for erasures starts (after the running training, if one runs); null when none waits.</param>
public sealed record EmbeddingStatusResponse(
    bool Training,
    EmbeddingModelResponse? Current,
    string? LastError,
    DateTimeOffset? LastAttempt,
    bool ErasedSinceTraining,
    DateTimeOffset? RetrainAt);
