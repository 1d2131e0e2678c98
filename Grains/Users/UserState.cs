using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;

namespace OrleansReco.Grains.Users;

/// <summary>Everything held about one user: personal data, kept in storage only as ciphertext.</summary>
[GenerateSerializer, Alias("OrleansReco.UserData")]
public sealed class UserData
{
    [Id(0)] public List<HistoryEntryState> History { get; set; } = [];
    [Id(1)] public long NewestEvent { get; set; } = long.MinValue;

    /// <summary>
    /// Item changes written together with the history that caused them and delivered after the write, so a crash
    /// between the two never loses an acknowledged event: whatever is still here is delivered again.
    /// </summary>
    [Id(2)] public List<PendingDelivery> Outbox { get; set; } = [];

    [Id(3)] public Dictionary<string, string> Profile { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Consent to personalisation. Without it nothing is recorded and results are not personalised.</summary>
    [Id(4)] public bool Personalization { get; set; } = true;
}

/// <summary>
/// A user grain's persisted state: an envelope. Everything personal is in <see cref="Sealed"/>; plain is only what
/// storage needs to hand the row back and this code needs to read it. Which key opens it is not stored here: a
/// user has exactly one data key, found in the key store by the grain id, and the master key id lives with it.
/// </summary>
[GenerateSerializer, Alias("OrleansReco.UserState")]
public sealed class UserState
{
    // Id 0 held the plain UserData before encryption at rest; it is not reused so old rows cannot be misread.

    /// <summary>
    /// Plain, because it says how to read <see cref="Sealed"/> (cipher, layout, serializer) before anything is
    /// decrypted. It is also bound into the seal's associated data, so changing it makes the state fail to open.
    /// </summary>
    [Id(1)] public int FormatVersion { get; set; }

    /// <summary><c>nonce | ciphertext | tag</c>: the Orleans-serialized <see cref="UserData"/> under the user's data key.</summary>
    [Id(2)] public byte[]? Sealed { get; set; }
}

[GenerateSerializer, Alias("OrleansReco.HistoryEntryState")]
public sealed record HistoryEntryState(
    string ItemId,
    double Affinity,
    long FirstSeen,
    long LastSeen,
    int Views,
    int Carts,
    int Purchases,
    long MilliWeight)
{
    public static HistoryEntryState From(HistoryEntry entry) => new(
        entry.ItemId, entry.Affinity, entry.FirstSeen, entry.LastSeen,
        entry.Views, entry.Carts, entry.Purchases, entry.MilliWeight);

    public HistoryEntry ToEntry() => new()
    {
        ItemId = ItemId,
        Affinity = Affinity,
        FirstSeen = FirstSeen,
        LastSeen = LastSeen,
        Views = Views,
        Carts = Carts,
        Purchases = Purchases,
        MilliWeight = MilliWeight,
    };
}

[GenerateSerializer, Immutable, Alias("OrleansReco.PendingDelivery")]
public sealed record PendingDelivery(string ItemId, ItemContribution Contribution);
