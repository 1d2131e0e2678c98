using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;

namespace OrleansReco.Grains.Users;

/// <summary>Everything held about one user: personal data, kept in storage only as ciphertext.</summary>
[GenerateSerializer, Alias("OrleansReco.UserData")]
public sealed class UserData
{
    /// <summary>
    /// The history as builds before <see cref="PackedHistory"/> stored it, with <see cref="NewestEvent"/>: still read
    /// from their rows, null in rows written since (<see cref="SetPackedHistory"/> drops it). Read the history with
    /// <see cref="GetPackedHistory"/>, which takes either form.
    /// </summary>
    [Id(0)] public List<HistoryEntryState>? History { get; set; }

    /// <summary>The newest event of <see cref="History"/>; a packed history holds its own.</summary>
    [Id(1)] public long NewestEvent { get; set; } = long.MinValue;

    // Id 2 held the outbox as explicit per-item deltas: n x m co-item entries for m new items in a history of n,
    // rewritten with every change. It is not reused; see PendingChange.

    /// <summary>
    /// The outbox as it was stored until several changes could be on their way at once: one change. Read from such
    /// rows (as the first of <see cref="Outbox"/>), never written.
    /// </summary>
    [Id(5)]
    public PendingChange? SingleOutbox
    {
        get => null;
        set
        {
            if (value is not null && Outbox.Count == 0) Outbox = [value];
        }
    }

    /// <summary>
    /// The outbox (<see cref="UserOutbox"/>): the history changes not yet known to be applied durably by every item
    /// they touch, oldest first, written together with the history that caused them, so a crash never loses an
    /// acknowledged event: whatever is here is delivered again.
    /// </summary>
    [Id(8)] public List<PendingChange> Outbox { get; set; } = [];

    [Id(3)] public Dictionary<string, string> Profile { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Consent to personalisation. Without it nothing is recorded and results are not personalised.</summary>
    [Id(4)] public bool Personalization { get; set; } = true;

    /// <summary>The ids of the events recorded in the last day, packed by <see cref="Model.RecentEventIds"/>; null when none.</summary>
    [Id(6)] public byte[]? RecentEventIds { get; set; }

    /// <summary>A copy to change and write; memory takes it once it is written. Collections are replaced, never changed in place.</summary>
    public UserData Copy() => (UserData)MemberwiseClone();

    /// <summary>
    /// The history packed by <see cref="Model.PackedHistory"/>: a few bytes of numbers per item besides its id, where
    /// <see cref="History"/> cost an object and a string per item in memory and more bytes in the row. Null in rows of
    /// builds before it (and in a new user's), which is what <see cref="GetPackedHistory"/> is for.
    /// </summary>
    [Id(7)] public byte[]? PackedHistory { get; set; }

    /// <summary>The history packed, from whichever form this row holds it in (none: the empty history).</summary>
    public byte[] GetPackedHistory() =>
        PackedHistory ?? Model.PackedHistory.Pack((History ?? []).Select(h => h.ToEntry()), NewestEvent);

    /// <summary>Holds <paramref name="packed"/> as the history, and drops the older form so that it is never written with it.</summary>
    public void SetPackedHistory(byte[] packed)
    {
        PackedHistory = packed;
        History = null;
        NewestEvent = long.MinValue;
    }
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

/// <summary>
/// A history change not yet applied by every item it touches, stored compactly: the contribution each changed
/// item had before it (none for an item the change added). With the history right after the change (the current one
/// laid back over by every newer change of the outbox) that is all <see cref="ContributionPlanner"/> needs to plan
/// every item's delta again. <see cref="Id"/> is random and goes to every item as its delivery id: each item gets one
/// contribution per change, so it recognises a redelivery.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.PendingChange")]
public sealed record PendingChange(Guid Id, IReadOnlyList<PriorContribution> Prior)
{
    public static PendingChange Between(IReadOnlyDictionary<string, PopularityContribution> before, IReadOnlyDictionary<string, PopularityContribution> after)
    {
        var prior = new List<PriorContribution>();
        foreach (var (item, old) in before)
        {
            if (!after.TryGetValue(item, out var now) || now != old) prior.Add(new PriorContribution(item, Held: true, old.Day, old.MilliWeight));
        }
        foreach (var item in after.Keys)
        {
            if (!before.ContainsKey(item)) prior.Add(new PriorContribution(item, Held: false, 0, 0));
        }
        return new PendingChange(Guid.NewGuid(), prior);
    }

    /// <summary>
    /// The item deltas of each change of <paramref name="chain"/> (oldest first, ending at the current history,
    /// whose contributions are <paramref name="current"/>): each change laid back over the state after it gives the state
    /// before it, newest first.
    /// </summary>
    public static List<Dictionary<string, ItemChange>> PlanChain(
        IReadOnlyList<PendingChange> chain, IReadOnlyDictionary<string, PopularityContribution> current)
    {
        var plans = new Dictionary<string, ItemChange>[chain.Count];
        var after = current;
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            var before = chain[i].Before(after);
            plans[i] = ContributionPlanner.Plan(before, after);
            after = before;
        }
        return [.. plans];
    }

    /// <summary>The contributions before the change, given those after it.</summary>
    public Dictionary<string, PopularityContribution> Before(IReadOnlyDictionary<string, PopularityContribution> after)
    {
        var before = new Dictionary<string, PopularityContribution>(after, StringComparer.Ordinal);
        foreach (var p in Prior)
        {
            if (p.Held) before[p.ItemId] = new PopularityContribution(p.Day, p.MilliWeight);
            else before.Remove(p.ItemId);
        }
        return before;
    }
}

/// <summary>An item's contribution before a change; not <see cref="Held"/> when the change added the item.</summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.PriorContribution")]
public sealed record PriorContribution(string ItemId, bool Held, int Day, long MilliWeight);
