namespace OrleansReco.Grains.Interfaces;

/// <summary>One history entry as the shopper sees it in an export.</summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.ExportedHistoryEntry")]
public sealed record ExportedHistoryEntry(
    string ItemId,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    int Views,
    int Carts,
    int Purchases,
    double Affinity);

/// <summary>Everything held about one shopper, decrypted.</summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.UserExport")]
public sealed record UserExport(
    IReadOnlyDictionary<string, string> Profile,
    bool Personalization,
    IReadOnlyList<ExportedHistoryEntry> History,
    IReadOnlyList<float>? Embedding,
    ExportedSegment? Segment = null);

/// <summary>The shopper's segment in the current model (nearest centroid to their vector) and what characterises it.</summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.ExportedSegment")]
public sealed record ExportedSegment(long ModelVersion, int Id, IReadOnlyList<string> TopCategories);

/// <summary>
/// Proof that an erasure happened, without personal data: <see cref="Hash"/> is an HMAC of the erased id with a
/// per-receipt salt, so the operator can check a given id against it, and nobody can read the id from it.
/// <see cref="ModelCleanBy"/>: an estimate of when every silo serves a trained model that no longer depends on the
/// shopper; null when nothing was held (never seen, or erased before: the first receipt tells).
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.ErasureReceipt")]
public sealed record ErasureReceipt(
    Guid ReceiptId, DateTimeOffset ErasedAt, string Salt, string Hash, int HistoryItemsRetracted, DateTimeOffset? ModelCleanBy = null);

/// <summary>What the gateway hands over for the receipt: it alone sees the raw id.</summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.ErasureRequest")]
public sealed record ErasureRequest(Guid ReceiptId, string Salt, string Hash);
