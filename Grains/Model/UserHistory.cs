namespace OrleansReco.Grains.Model;

/// <summary>
/// A user's retained history: at most <see cref="HistoryPolicy.Limit"/> distinct items, none older than
/// <see cref="HistoryPolicy.MaxAge"/> relative to the user's newest event. Affinities decay on event time.
/// </summary>
public sealed class UserHistory(HistoryPolicy policy)
{
    private readonly Dictionary<string, HistoryEntry> _entries = new(StringComparer.Ordinal);

    /// <summary>Unix seconds of the newest event ever recorded; the reference time for affinities.</summary>
    public long NewestEvent { get; private set; } = long.MinValue;

    public int Count => _entries.Count;

    public IEnumerable<HistoryEntry> Entries => _entries.Values;

    public static UserHistory Restore(HistoryPolicy policy, IEnumerable<HistoryEntry> entries, long newestEvent)
    {
        var history = new UserHistory(policy) { NewestEvent = newestEvent };
        foreach (var entry in entries)
        {
            history._entries[entry.ItemId] = entry;
        }
        return history;
    }

    /// <summary>From <see cref="Pack"/>'s bytes: the same entries, bit for bit, and the same newest event.</summary>
    public static UserHistory Restore(HistoryPolicy policy, byte[] packed)
    {
        var history = new UserHistory(policy) { NewestEvent = PackedHistory.NewestEvent(packed) };
        history._entries.EnsureCapacity(PackedHistory.EntryCount(packed));
        foreach (var entry in PackedHistory.Read(packed))
        {
            history._entries[entry.ItemId] = entry;
        }
        return history;
    }

    /// <summary>The history as <see cref="PackedHistory"/> bytes: what a user grain stores and holds between calls.</summary>
    public byte[] Pack() => PackedHistory.Pack(_entries.Values, NewestEvent);

    /// <summary>
    /// Adds one event's weight to its item's entry, creating the entry if needed, then applies retention.
    /// Retention runs per event, so a batch means exactly the same as its events one by one.
    /// </summary>
    public IReadOnlyList<string> Record(string itemId, EventKind kind, long timestamp)
    {
        var weight = policy.Weights.Of(kind);
        if (!_entries.TryGetValue(itemId, out var entry))
        {
            entry = new HistoryEntry { ItemId = itemId, FirstSeen = timestamp, LastSeen = timestamp };
            _entries[itemId] = entry;
        }

        if (timestamp >= entry.LastSeen)
        {
            entry.Affinity = entry.Affinity * EventTime.Decay(timestamp - entry.LastSeen, policy.HalfLife) + weight;
            entry.LastSeen = timestamp;
        }
        else
        {
            // A late event adds its weight as decayed to the entry's reference time.
            entry.Affinity += weight * EventTime.Decay(entry.LastSeen - timestamp, policy.HalfLife);
        }
        entry.FirstSeen = Math.Min(entry.FirstSeen, timestamp);
        entry.MilliWeight += (long)Math.Round(weight * 1000);
        switch (kind)
        {
            case EventKind.View: entry.Views++; break;
            case EventKind.Cart: entry.Carts++; break;
            case EventKind.Purchase: entry.Purchases++; break;
        }
        NewestEvent = Math.Max(NewestEvent, timestamp);
        return Evict(protectedItem: itemId);
    }

    /// <summary>
    /// Drops entries too old, then the weakest entries beyond the size limit (lowest affinity, then oldest, then by
    /// id, so the outcome is deterministic). The item just recorded is never the one pushed out for size: a
    /// shopper's newest interest must get in even when older favourites weigh more.
    /// </summary>
    private List<string> Evict(string protectedItem)
    {
        var evicted = new List<string>();
        var oldestKept = NewestEvent - (long)policy.MaxAge.TotalSeconds;
        foreach (var entry in _entries.Values.Where(e => e.LastSeen < oldestKept).ToList())
        {
            _entries.Remove(entry.ItemId);
            evicted.Add(entry.ItemId);
        }

        var excess = _entries.Count - policy.Limit;
        if (excess > 0)
        {
            var weakest = _entries.Values
                .Where(e => e.ItemId != protectedItem)
                .OrderBy(e => e.AffinityAt(NewestEvent, policy.HalfLife))
                .ThenBy(e => e.LastSeen)
                .ThenBy(e => e.ItemId, StringComparer.Ordinal)
                .Take(excess)
                .ToList();
            foreach (var entry in weakest)
            {
                _entries.Remove(entry.ItemId);
                evicted.Add(entry.ItemId);
            }
        }
        return evicted;
    }

    /// <summary>Each retained item's popularity contribution: the input of <see cref="ContributionPlanner"/>.</summary>
    public Dictionary<string, PopularityContribution> Contributions() =>
        _entries.Values.ToDictionary(e => e.ItemId, e => e.Contribution, StringComparer.Ordinal);

    /// <summary>Entries with their affinity as of the newest event, strongest first.</summary>
    public IReadOnlyList<(HistoryEntry Entry, double Affinity)> Ranked() =>
        _entries.Values
            .Select(e => (Entry: e, Affinity: e.AffinityAt(NewestEvent, policy.HalfLife)))
            .OrderByDescending(x => x.Affinity)
            .ThenBy(x => x.Entry.ItemId, StringComparer.Ordinal)
            .ToList();

    public void Clear()
    {
        _entries.Clear();
        NewestEvent = long.MinValue;
    }
}
