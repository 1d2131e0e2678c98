using FsCheck.Xunit;
using OrleansReco.Grains.Model;
using OrleansReco.Grains.Users;

namespace OrleansReco.UnitTests;

/// <summary>
/// A user's outbox keeps only the changed items' prior contributions; with the history after the change that must
/// plan exactly the deltas planned when the change was made, or a redelivery after a restart would apply others.
/// </summary>
public sealed class PendingChangeProperties
{
    [Property(MaxTest = 300)]
    public bool The_stored_change_plans_the_same_deltas_again(byte[] beforeBytes, byte[] afterBytes)
    {
        var before = Contributions(beforeBytes);
        var after = Contributions(afterBytes);
        var planned = ContributionPlanner.Plan(before, after);

        var stored = PendingChange.Between(before, after);
        var replanned = ContributionPlanner.Plan(stored.Before(after), after);

        return SameChanges(planned, replanned) && stored.Prior.Count <= before.Count + after.Count;
    }

    [Property(MaxTest = 100)]
    public bool Unchanged_items_are_not_stored(byte[] bytes)
    {
        var contributions = Contributions(bytes);
        return PendingChange.Between(contributions, contributions).Prior.Count == 0;
    }

    /// <summary>Each pair of bytes: an item (one of 12) and its contribution (one of a few days and weights).</summary>
    private static Dictionary<string, PopularityContribution> Contributions(byte[] bytes)
    {
        var contributions = new Dictionary<string, PopularityContribution>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < bytes.Length; i += 2)
        {
            contributions[$"i{bytes[i] % 12}"] = new PopularityContribution(20_000 + bytes[i + 1] % 3, 1000 * (1 + bytes[i + 1] % 4));
        }
        return contributions;
    }

    private static bool SameChanges(Dictionary<string, ItemChange> a, Dictionary<string, ItemChange> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var other)
            && kv.Value.OccurrenceDelta == other.OccurrenceDelta
            && SameMap(kv.Value.CoItemDeltas, other.CoItemDeltas)
            && SameMap(kv.Value.PopularityDeltas, other.PopularityDeltas));

    private static bool SameMap<TKey, TValue>(Dictionary<TKey, TValue> a, Dictionary<TKey, TValue> b) where TKey : notnull =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && EqualityComparer<TValue>.Default.Equals(kv.Value, v));
}
