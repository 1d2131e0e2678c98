namespace OrleansReco.Grains.Model;

/// <summary>What one item must change so that the aggregates follow a user's history from one state to another.</summary>
public sealed class ItemChange
{
    public int OccurrenceDelta { get; set; }
    public Dictionary<string, int> CoItemDeltas { get; } = new(StringComparer.Ordinal);
    public Dictionary<int, long> PopularityDeltas { get; } = new();

    public bool IsEmpty =>
        OccurrenceDelta == 0 && CoItemDeltas.Count == 0 && PopularityDeltas.Count == 0;
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

        foreach (var item in added)
        {
            var change = ChangeOf(item);
            change.OccurrenceDelta++;
            foreach (var other in after.Keys)
            {
                if (other != item) Add(change.CoItemDeltas, other, +1);
            }
        }
        foreach (var item in removed)
        {
            var change = ChangeOf(item);
            change.OccurrenceDelta--;
            foreach (var other in before.Keys)
            {
                if (other != item) Add(change.CoItemDeltas, other, -1);
            }
        }
        // Items kept on both sides gain the added and lose the removed as co-items.
        if (added.Count > 0 || removed.Count > 0)
        {
            foreach (var item in after.Keys.Where(before.ContainsKey))
            {
                var change = ChangeOf(item);
                foreach (var other in added) Add(change.CoItemDeltas, other, +1);
                foreach (var other in removed) Add(change.CoItemDeltas, other, -1);
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

        foreach (var (item, change) in changes.ToList())
        {
            RemoveZeros(change.CoItemDeltas);
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
        foreach (var (key, value) in map.ToList())
        {
            if (EqualityComparer<TValue>.Default.Equals(value, default)) map.Remove(key);
        }
    }
}
