using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Grains.Model;

/// <summary>How shoppers are segmented at a training (<see cref="ModelOptions.Segments"/> and the settings beside it).</summary>
/// <param name="Count">k, the segments asked for; 0: none.</param>
/// <param name="MinShoppers">The fewest shoppers a published segment holds; smaller clusters are dissolved into the others.</param>
/// <param name="PopularItems">How many items each segment's popular list keeps, 0 for none (private popularity).</param>
public sealed record SegmentSettings(int Count, int MinShoppers, int Seed, int PopularItems, TimeSpan HalfLife, int MaxIterations = 50)
{
    /// <summary>Enough for a fill of a full list (100) past the items a request excludes.</summary>
    public const int DefaultPopularItems = 200;

    public const int TopCategories = 3;

    public static SegmentSettings From(ModelOptions options, bool popular) => new(
        options.Segments, options.SegmentMinShoppers, options.EmbeddingSeed, popular ? DefaultPopularItems : 0, options.HalfLife);
}

/// <summary>One shopper as a training sees them: their trained vector and their history.</summary>
public sealed record SegmentedShopper(double[] Vector, IReadOnlyList<HistoryAffinity> Items);

/// <summary>What a training knows of an item besides the histories: the index's category and availability.</summary>
public sealed record ItemFacts(string? Category, bool Available);

/// <summary>
/// The shoppers' segments: k-means over the directions of their ALS vectors, then per segment its centroid, its size, the categories that
/// set it apart and its popular items. Only aggregates are kept, no shopper: a shopper's segment is the nearest
/// centroid to their vector (<see cref="Nearest"/>), computed when it is needed from the vector folded in against
/// the same model, so nothing per shopper is stored and a shopper whose history changed moves with it.
/// </summary>
public static class ShopperSegmentation
{
    /// <summary>
    /// The segments of <paramref name="shoppers"/>, ids 0.. in centroid order. Every published segment holds at least
    /// <see cref="SegmentSettings.MinShoppers"/> shoppers, counted by the same nearest-centroid rule serving uses, so a
    /// segment's aggregates never describe a handful of people: while the smallest cluster is below it, that cluster's
    /// centroid is dropped, its shoppers go to their nearest remaining centroid and Lloyd runs again. Empty when
    /// segments are off or there are fewer shoppers than one segment needs.
    /// </summary>
    public static List<ShopperSegment> Build(
        IReadOnlyList<SegmentedShopper> shoppers, Func<string, ItemFacts?> items, SegmentSettings settings)
    {
        if (settings.Count <= 0 || settings.MinShoppers <= 0 || shoppers.Count < settings.MinShoppers) return [];
        var points = shoppers.Select(s => Unit(s.Vector)).ToList();
        // More clusters than could each reach the minimum would only be dissolved again.
        var k = Math.Min(settings.Count, shoppers.Count / settings.MinShoppers);
        var centroids = KMeans.Fit(points, k, settings.Seed, settings.MaxIterations).ToList();
        int[] assigned;
        int[] sizes;
        while (true)
        {
            assigned = points.Select(p => KMeans.Nearest(centroids, p)).ToArray();
            sizes = new int[centroids.Count];
            foreach (var c in assigned) sizes[c]++;
            var smallest = Array.IndexOf(sizes, sizes.Min());
            if (sizes[smallest] >= settings.MinShoppers || centroids.Count == 1) break;
            centroids.RemoveAt(smallest);
            var moved = centroids.ToArray();
            KMeans.Lloyd(points, moved, settings.MaxIterations);
            centroids = [.. moved];
        }
        if (sizes[0] < settings.MinShoppers) return []; // one cluster left and still too small (cannot happen with k chosen as above)

        var newest = shoppers.SelectMany(s => s.Items).Select(i => i.LastSeen).DefaultIfEmpty(0).Max();
        var overall = CategoryShares(Enumerable.Range(0, shoppers.Count), shoppers, items);
        var segments = new List<ShopperSegment>(centroids.Count);
        for (var c = 0; c < centroids.Count; c++)
        {
            var members = Enumerable.Range(0, shoppers.Count).Where(p => assigned[p] == c).ToList();
            segments.Add(new ShopperSegment(
                c,
                Array.ConvertAll(centroids[c], v => (float)v),
                members.Count,
                TopCategories(CategoryShares(members, shoppers, items), overall),
                Popular(members, shoppers, items, newest, settings)));
        }
        return segments;
    }

    /// <summary>
    /// The vector scaled to length 1 (a zero vector stays zero). Segments are made and found on directions, not on raw
    /// vectors: a folded-in vector's length grows with how much the shopper did (more items, more confidence), and a
    /// shopper of one or two items, the very one the segment fill is for, sits near the origin, where Euclidean
    /// distance would put them in whichever segment's centroid is shortest rather than the one of their taste.
    /// </summary>
    public static double[] Unit(IReadOnlyList<double> vector)
    {
        var norm = Math.Sqrt(vector.Sum(v => v * v));
        return vector.Select(v => norm > 0 ? v / norm : 0).ToArray();
    }

    /// <summary>
    /// The segment whose centroid is nearest to the shopper's vector, by direction as training counted it (see
    /// <see cref="Unit"/>); null when there are none.
    /// </summary>
    public static ShopperSegment? Nearest(IReadOnlyList<ShopperSegment> segments, ReadOnlySpan<float> user)
    {
        var vector = Unit(user.ToArray().Select(v => (double)v).ToList());
        ShopperSegment? best = null;
        var bestDistance = double.PositiveInfinity;
        foreach (var segment in segments)
        {
            var distance = 0.0;
            for (var d = 0; d < vector.Length && d < segment.Centroid.Length; d++)
            {
                var difference = (double)segment.Centroid[d] - vector[d];
                distance += difference * difference;
            }
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = segment;
            }
        }
        return best;
    }

    /// <summary>
    /// The categories that characterise a segment: of the categories its shoppers hold, those more common in it than
    /// among all shoppers, ranked by share x log(share / overall share) (the category's term of the relative entropy),
    /// so a category wins by being both common in the segment and over-represented there: the shop's biggest category
    /// does not top every segment, nor does a rare one a few members happen to hold. Ties by name.
    /// </summary>
    public static List<string> TopCategories(IReadOnlyDictionary<string, double> segment, IReadOnlyDictionary<string, double> overall) =>
        segment
            .Select(kv => (Category: kv.Key, Share: kv.Value, Overall: overall.GetValueOrDefault(kv.Key, kv.Value)))
            .Where(x => x.Share > x.Overall)
            .Select(x => (x.Category, Score: x.Share * Math.Log(x.Share / x.Overall)))
            .OrderByDescending(x => x.Score)
            .ThenBy(x => x.Category, StringComparer.Ordinal)
            .Take(SegmentSettings.TopCategories)
            .Select(x => x.Category)
            .ToList();

    /// <summary>For each category, the share of the given shoppers who hold at least one item of it (names compared as the index compares them).</summary>
    public static Dictionary<string, double> CategoryShares(
        IEnumerable<int> members, IReadOnlyList<SegmentedShopper> shoppers, Func<string, ItemFacts?> items)
    {
        var holders = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var count = 0;
        foreach (var m in members)
        {
            count++;
            var held = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var item in shoppers[m].Items)
            {
                if (items(item.ItemId)?.Category is { Length: > 0 } category && held.Add(category))
                {
                    holders[category] = holders.GetValueOrDefault(category) + 1;
                }
            }
        }
        return holders.ToDictionary(kv => kv.Key, kv => (double)kv.Value / Math.Max(count, 1), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The segment's most popular available items, best first, ties by id: each member's decayed affinity for an item,
    /// decayed further from the member's newest event to the newest event of all with <see cref="SegmentSettings.HalfLife"/>,
    /// summed. That is the global popularity's decayed event weight as of the newest event, over the segment's shoppers
    /// only, so the two lists rank by the same measure and differ only in whom they count.
    /// </summary>
    private static List<PopularItem> Popular(
        List<int> members, IReadOnlyList<SegmentedShopper> shoppers, Func<string, ItemFacts?> items, long newest, SegmentSettings settings)
    {
        if (settings.PopularItems <= 0) return [];
        var halfLife = settings.HalfLife.TotalSeconds;
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var m in members)
        {
            var history = shoppers[m].Items;
            if (history.Count == 0) continue;
            var own = history.Max(i => i.LastSeen);
            var decay = Math.Pow(2, -(newest - own) / halfLife);
            foreach (var item in history)
            {
                scores[item.ItemId] = scores.GetValueOrDefault(item.ItemId) + item.Affinity * decay;
            }
        }
        return scores
            .Where(kv => kv.Value > 0 && items(kv.Key) is { Available: true })
            .OrderByDescending(kv => kv.Value)
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(settings.PopularItems)
            .Select(kv => new PopularItem(kv.Key, kv.Value, items(kv.Key)!.Category))
            .ToList();
    }
}
