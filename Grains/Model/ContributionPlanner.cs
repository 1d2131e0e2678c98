namespace OrleansReco.Grains.Model;

/// <summary>What one item must change so that the aggregates follow a user's history from one state to another.</summary>
public sealed class ItemChange
{
    public int OccurrenceDelta { get; set; }

    /// <summary>
    /// The change of this item's co-occurrence count with each other item. Items kept on both sides of a change
    /// share one map (they all gain and lose the same co-items): read it, never change it.
    /// </summary>
    public Dictionary<string, int> CoItemDeltas { get; private set; } = new(StringComparer.Ordinal);
    public Dictionary<int, long> PopularityDeltas { get; } = new();

    public bool IsEmpty =>
        OccurrenceDelta == 0 && CoItemDeltas.Count == 0 && PopularityDeltas.Count == 0;

    internal void ShareCoItemDeltas(Dictionary<string, int> shared)
    {
        if (CoItemDeltas.Count > 0) throw new InvalidOperationException("This item already has co-item deltas of its own.");
        CoItemDeltas = shared;
    }
}

/// <summary>
/// Turns a user's history before and after a change into per-item deltas of the aggregates:
/// occ(i) counts users holding i, cooc(i,j) users holding both, popularity sums the entries' contributions.
/// Working from the two states (not from the events) makes any batch of events, evictions or an erasure
/// produce exactly the net change, so aggregates always equal a recount over current histories.
/// </summary>
public static class ContributionPlanner
{
    public static Dictionary<string, ItemChange> Plan(
        IReadOnlyDictionary<string, PopularityContribution> before,
        IReadOnlyDictionary<string, PopularityContribution> after)
    {
        var changes = new Dictionary<string, ItemChange>(StringComparer.Ordinal);
        ItemChange ChangeOf(string item) =>
            changes.TryGetValue(item, out var change) ? change : changes[item] = new ItemChange();

        var added = after.Keys.Where(i => !before.ContainsKey(i)).ToList();
        var removed = before.Keys.Where(i => !after.ContainsKey(i)).ToList();

        // Maps sized up front: these are built for every change of every user, and growing them showed in allocation
        // traces of a replay.
        foreach (var item in added)
        {
            var change = ChangeOf(item);
            change.OccurrenceDelta++;
            change.CoItemDeltas.EnsureCapacity(after.Count);
            foreach (var other in after.Keys)
            {
                if (other != item) Add(change.CoItemDeltas, other, +1);
            }
        }
        foreach (var item in removed)
        {
            var change = ChangeOf(item);
            change.OccurrenceDelta--;
            change.CoItemDeltas.EnsureCapacity(before.Count);
            foreach (var other in before.Keys)
            {
                if (other != item) Add(change.CoItemDeltas, other, -1);
            }
        }
        // Items kept on both sides gain the added and lose the removed as co-items: the same deltas for all of them,
        // so one map they share (a full history keeps hundreds of items, and this runs for every change of every user).
        if (added.Count > 0 || removed.Count > 0)
        {
            var keptItemsDeltas = new Dictionary<string, int>(added.Count + removed.Count, StringComparer.Ordinal);
            foreach (var other in added) keptItemsDeltas[other] = +1;
            foreach (var other in removed) keptItemsDeltas[other] = -1;
            foreach (var item in after.Keys.Where(before.ContainsKey))
            {
                ChangeOf(item).ShareCoItemDeltas(keptItemsDeltas);
            }
        }

        foreach (var (item, old) in before)
        {
            if (after.TryGetValue(item, out var now) && now == old) continue;
            Add(ChangeOf(item).PopularityDeltas, old.Day, -old.MilliWeight);
        }
        foreach (var (item, now) in after)
        {
            if (before.TryGetValue(item, out var old) && now == old) continue;
            Add(ChangeOf(item).PopularityDeltas, now.Day, now.MilliWeight);
        }

        foreach (var (item, change) in changes)
        {
            RemoveZeros(change.CoItemDeltas); // a shared map has none (no item is both added and removed)
            RemoveZeros(change.PopularityDeltas);
            if (change.IsEmpty) changes.Remove(item);
        }
        return changes;
    }

    private static void Add<TKey>(Dictionary<TKey, int> map, TKey key, int delta) where TKey : notnull =>
        map[key] = map.GetValueOrDefault(key) + delta;

    private static void Add<TKey>(Dictionary<TKey, long> map, TKey key, long delta) where TKey : notnull =>
        map[key] = map.GetValueOrDefault(key) + delta;

    private static void RemoveZeros<TKey, TValue>(Dictionary<TKey, TValue> map) where TKey : notnull
    {
        foreach (var (key, value) in map) // removing while enumerating is allowed for Dictionary
        {
            if (EqualityComparer<TValue>.Default.Equals(value, default)) map.Remove(key);
        }
    }
}
