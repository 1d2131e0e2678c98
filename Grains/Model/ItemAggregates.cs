using System.Runtime.InteropServices;

namespace OrleansReco.Grains.Model;

/// <summary>
/// An item's aggregates over all current histories: how many users hold it, how many hold it together with each
/// other item, and its popularity as exact per-day weight sums (so a retraction restores the exact prior value).
/// </summary>
public sealed class ItemAggregates
{
    public ItemAggregates()
        : this(0, new Dictionary<string, int>(StringComparer.Ordinal), new Dictionary<int, long>())
    {
    }

    /// <summary>Works on the given maps in place, so a grain's state needs no copy.</summary>
    public ItemAggregates(int occurrence, Dictionary<string, int> coOccurrence, Dictionary<int, long> popularityMilliWeights)
    {
        Occurrence = occurrence;
        CoOccurrence = coOccurrence;
        PopularityMilliWeights = popularityMilliWeights;
    }

    public int Occurrence { get; private set; }
    public Dictionary<string, int> CoOccurrence { get; }
    public Dictionary<int, long> PopularityMilliWeights { get; }

    /// <summary>
    /// Applies a delta. Returns whether occurrence or popularity moved (what the index must hear about).
    /// <paramref name="coOccurrenceChanged"/>, when given, hears each co-item's new count (0: removed).
    /// </summary>
    public bool Apply(
        int occurrenceDelta,
        IEnumerable<KeyValuePair<string, int>> coItemDeltas,
        IEnumerable<KeyValuePair<int, long>> popularityDeltas,
        Action<string, int>? coOccurrenceChanged = null)
    {
        var statsChanged = occurrenceDelta != 0;
        Occurrence += occurrenceDelta;
        foreach (var (item, delta) in coItemDeltas)
        {
            // One lookup per co-item: this loop runs for every co-item of every change that reaches the item.
            ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(CoOccurrence, item, out _);
            count += delta;
            var now = count;
            if (now == 0) CoOccurrence.Remove(item);
            coOccurrenceChanged?.Invoke(item, now);
        }
        foreach (var (day, delta) in popularityDeltas)
        {
            if (delta == 0) continue;
            statsChanged = true;
            var weight = PopularityMilliWeights.GetValueOrDefault(day) + delta;
            if (weight == 0) PopularityMilliWeights.Remove(day);
            else PopularityMilliWeights[day] = weight;
        }
        return statsChanged;
    }

    /// <summary>Newest popularity day, or null when the item has no popularity.</summary>
    public int? NewestDay => PopularityMilliWeights.Count == 0 ? null : PopularityMilliWeights.Keys.Max();

    /// <summary>
    /// log2 of the popularity decayed to day 0 (times 1000). Every item decays by the same factor as time passes,
    /// so this one number ranks items at any moment; <see cref="PopularityMath.ScoreAt"/> turns it into a score.
    /// </summary>
    public double PopularityLog2(TimeSpan halfLife) => PopularityMath.Log2Sum(PopularityMilliWeights, halfLife);
}
