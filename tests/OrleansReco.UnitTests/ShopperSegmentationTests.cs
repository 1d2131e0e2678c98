using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;
using Xunit;

namespace OrleansReco.UnitTests;

public sealed class ShopperSegmentationTests
{
    /// <summary>
    /// <paramref name="perCluster"/> points around each of the given centres (a seeded jitter of ±0.5), cluster by
    /// cluster: the truth the clustering should recover.
    /// </summary>
    private static List<double[]> Blobs(int perCluster, int seed, params double[][] centres)
    {
        var random = new Random(seed);
        return centres
            .SelectMany(c => Enumerable.Range(0, perCluster).Select(_ => c.Select(x => x + random.NextDouble() - 0.5).ToArray()))
            .ToList();
    }

    private static readonly double[][] FourCorners = [[10, 10], [-10, 10], [10, -10], [-10, -10]];

    [Fact]
    public void KMeans_recovers_well_separated_clusters()
    {
        var points = Blobs(30, 1, FourCorners);

        var centroids = KMeans.Fit(points, 4, seed: 7, maxIterations: 50);

        Assert.Equal(4, centroids.Length);
        // Each true centre has exactly one centroid within a unit of it, and every point goes to its own centre's.
        foreach (var centre in FourCorners)
        {
            Assert.Single(centroids, c => KMeans.SquaredDistance(c, centre) < 1);
        }
        for (var cluster = 0; cluster < 4; cluster++)
        {
            var members = points.Skip(cluster * 30).Take(30).Select(p => KMeans.Nearest(centroids, p)).Distinct();
            Assert.Single(members);
        }
    }

    [Fact]
    public void KMeans_is_a_function_of_the_points_k_and_the_seed()
    {
        // Overlapping blobs, where the result does depend on the start.
        var points = Blobs(200, 3, [0, 0], [1, 1], [2, 0], [1, -1]);

        var first = KMeans.Fit(points, 5, seed: 11, maxIterations: 50);
        var again = KMeans.Fit(points, 5, seed: 11, maxIterations: 50);

        Assert.Equal(first, again); // element by element, to the last bit
    }

    [Fact]
    public void KMeans_makes_no_more_clusters_than_there_are_distinct_points()
    {
        var points = Enumerable.Range(0, 10).Select(n => new double[] { n % 2, 0 }).ToList();

        Assert.Equal(2, KMeans.Fit(points, 5, seed: 1, maxIterations: 10).Length);
    }

    /// <summary>Shoppers of a blob hold that blob's items (item "{blob}-{n}" in category "cat-{blob}") and one shared item.</summary>
    private static List<SegmentedShopper> Shoppers(List<double[]> points, int perCluster) => points
        .Select((p, n) => new SegmentedShopper(p,
        [
            new HistoryAffinity($"{n / perCluster}-{n % 3}", 1 + n % 3, true, 1, LastSeen: 1_000),
            new HistoryAffinity("shared", 1, true, 1, LastSeen: 1_000),
        ]))
        .ToList();

    private static ItemFacts? Facts(string item) =>
        item == "shared" ? new ItemFacts("everything", true) : new ItemFacts($"cat-{item.Split('-')[0]}", Available: item != "0-2");

    [Fact]
    public void Segments_carry_their_size_categories_and_popular_items()
    {
        var shoppers = Shoppers(Blobs(30, 1, FourCorners), 30);

        var segments = ShopperSegmentation.Build(shoppers, Facts, new SegmentSettings(4, 10, 7, 5, TimeSpan.FromDays(30)));

        Assert.Equal(4, segments.Count);
        Assert.Equal([0, 1, 2, 3], segments.Select(s => s.Id));
        Assert.All(segments, s => Assert.Equal(30, s.Shoppers));
        // The blob's own category sets it apart; the one everybody holds does not.
        Assert.Equal(
            ["cat-0", "cat-1", "cat-2", "cat-3"],
            segments.Select(s => Assert.Single(s.TopCategories)).Order(StringComparer.Ordinal));
        var first = segments.Single(s => s.TopCategories[0] == "cat-0");
        // Summed affinity: shared 30, 0-2 30 but unavailable (the shop would not list it), 0-1 20, 0-0 10.
        Assert.Equal(["shared", "0-1", "0-0"], first.Popular.Select(p => p.ItemId));
        Assert.Equal("cat-0", first.Popular[1].Category);
        // A shopper is in the segment whose centroid is nearest.
        Assert.Same(first, ShopperSegmentation.Nearest(segments, [10.2f, 9.7f]));
    }

    [Fact]
    public void No_segment_is_smaller_than_the_minimum_small_clusters_are_dissolved_into_their_neighbours()
    {
        // Three blobs of 40 and a far one of 8: at a minimum of 20 the small blob cannot be a segment of its own.
        var points = Blobs(40, 2, [10, 10], [-10, 10], [10, -10]).Concat(Blobs(8, 5, [-30, -30])).ToList();
        var shoppers = points.Select(p => new SegmentedShopper(p, [new HistoryAffinity("x", 1, true, 1)])).ToList();

        var segments = ShopperSegmentation.Build(shoppers, _ => new ItemFacts(null, true), new SegmentSettings(4, 20, 7, 5, TimeSpan.FromDays(30)));

        Assert.Equal(3, segments.Count);
        Assert.All(segments, s => Assert.True(s.Shoppers >= 20, $"segment {s.Id} holds {s.Shoppers}"));
        Assert.Equal(128, segments.Sum(s => s.Shoppers)); // nobody is dropped: the small blob's shoppers joined a segment
        // Sizes count shoppers by the nearest-centroid rule serving uses.
        var counted = shoppers.GroupBy(s => ShopperSegmentation.Nearest(segments, Array.ConvertAll(s.Vector, v => (float)v))!.Id)
            .ToDictionary(g => g.Key, g => g.Count());
        Assert.All(segments, s => Assert.Equal(s.Shoppers, counted[s.Id]));
    }

    [Fact]
    public void Too_few_shoppers_for_one_segment_give_none_and_no_popular_list_is_made_when_it_is_not_asked_for()
    {
        var shoppers = Shoppers(Blobs(30, 1, FourCorners), 30);

        Assert.Empty(ShopperSegmentation.Build(shoppers.Take(9).ToList(), Facts, new SegmentSettings(4, 10, 7, 5, TimeSpan.FromDays(30))));
        Assert.Empty(ShopperSegmentation.Build(shoppers, Facts, new SegmentSettings(0, 10, 7, 5, TimeSpan.FromDays(30))));
        var withoutPopular = ShopperSegmentation.Build(shoppers, Facts, new SegmentSettings(4, 10, 7, 0, TimeSpan.FromDays(30)));
        Assert.Equal(4, withoutPopular.Count);
        Assert.All(withoutPopular, s => Assert.Empty(s.Popular));
    }

    [Fact]
    public void Segment_popularity_decays_a_shopper_who_stopped_buying_as_global_popularity_does()
    {
        // Two shoppers of one segment: a's item was bought a half-life before the newest event of all, b's just now.
        var halfLife = TimeSpan.FromDays(30);
        var now = 100 * 86_400L;
        var shoppers = new List<SegmentedShopper>
        {
            new([0.0], [new HistoryAffinity("old", 4, true, 4, LastSeen: now - (long)halfLife.TotalSeconds)]),
            new([0.1], [new HistoryAffinity("new", 3, true, 3, LastSeen: now)]),
        };

        var segment = Assert.Single(ShopperSegmentation.Build(shoppers, _ => new ItemFacts(null, true), new SegmentSettings(1, 2, 7, 5, halfLife)));

        Assert.Equal(["new", "old"], segment.Popular.Select(p => p.ItemId));
        Assert.Equal(2, segment.Popular[1].Score, 6);
    }
}
