using OrleansReco.Tools.Synthetic;

namespace OrleansReco.ToolsTests;

public sealed class SyntheticStorefrontTests
{
    private static readonly SyntheticOptions Large = new() { Users = 1000, Items = 300, Seed = 11 };

    [Fact]
    public void Same_seed_gives_the_same_storefront()
    {
        var a = SyntheticStorefront.Generate(new SyntheticOptions { Seed = 3 });
        var b = SyntheticStorefront.Generate(new SyntheticOptions { Seed = 3 });

        Assert.Equal(a.Events, b.Events);
        Assert.Equal(a.Items.Select(Describe), b.Items.Select(Describe));
        Assert.Equal(a.Shoppers.Select(s => (s.UserId, s.Cluster)), b.Shoppers.Select(s => (s.UserId, s.Cluster)));
    }

    [Fact]
    public void Another_seed_gives_other_events()
    {
        var a = SyntheticStorefront.Generate(new SyntheticOptions { Seed = 3 });
        var b = SyntheticStorefront.Generate(new SyntheticOptions { Seed = 4 });

        Assert.NotEqual(a.Events, b.Events);
    }

    [Fact]
    public void Catalogue_has_the_requested_shape()
    {
        var options = new SyntheticOptions { Items = 50, Categories = 5 };
        var (items, _) = SyntheticStorefront.Generate(options);

        Assert.Equal(50, items.Count);
        Assert.Equal("item-0000", items[0].ItemId);
        Assert.Equal("item-0049", items[^1].ItemId);
        Assert.Equal(5, items.Select(i => i.Category).Distinct().Count());
        Assert.All(items, i => Assert.True(i.Price > 0));
    }

    [Fact]
    public void Item_popularity_is_zipf_like()
    {
        var data = SyntheticStorefront.Generate(Large);
        var views = data.Events.Where(e => e.Type == StorefrontEventType.View).CountBy(e => e.ItemId).ToDictionary();

        Assert.Equal(views.Values.Max(), views["item-0000"]);
        // Zipf with exponent 1 expects ratios of 2 and 10 (cluster sizes compensate for the taste preferences);
        // the bounds leave room for sampling noise.
        Assert.InRange((double)views["item-0000"] / views["item-0001"], 1.5, 2.6);
        Assert.InRange((double)views["item-0000"] / views["item-0009"], 6.5, 15.0);
        Assert.True(views["item-0009"] > views.GetValueOrDefault("item-0099"));
    }

    [Fact]
    public void Each_shoppers_timestamps_strictly_increase_and_events_are_in_time_order()
    {
        var options = new SyntheticOptions { Seed = 8 };
        var data = SyntheticStorefront.Generate(options);

        foreach (var shopper in data.Events.GroupBy(e => e.UserId))
        {
            var times = shopper.Select(e => e.Timestamp).ToList();
            Assert.True(times.Zip(times.Skip(1)).All(p => p.First < p.Second), $"{shopper.Key} has non-increasing timestamps");
        }

        Assert.True(data.Events.Zip(data.Events.Skip(1)).All(p => p.First.Timestamp <= p.Second.Timestamp));
        Assert.True(data.Events[0].Timestamp >= options.Start);
        Assert.Equal(options.Users, data.Events.Select(e => e.UserId).Distinct().Count());
    }

    [Fact]
    public void Views_outnumber_carts_which_outnumber_purchases_and_every_purchase_was_carted()
    {
        var data = SyntheticStorefront.Generate(Large);
        var byType = data.Events.CountBy(e => e.Type).ToDictionary();

        Assert.True(byType[StorefrontEventType.View] > byType[StorefrontEventType.Cart]);
        Assert.True(byType[StorefrontEventType.Cart] > byType[StorefrontEventType.Purchase]);
        Assert.True(byType[StorefrontEventType.Purchase] > 0);
        foreach (var shopper in data.Events.GroupBy(e => e.UserId))
        {
            var carted = new HashSet<string>();
            foreach (var ev in shopper)
            {
                if (ev.Type == StorefrontEventType.Cart)
                {
                    carted.Add(ev.ItemId);
                }

                Assert.True(ev.Type != StorefrontEventType.Purchase || carted.Contains(ev.ItemId));
            }
        }
    }

    [Theory]
    [InlineData(30)]
    [InlineData(200)]
    public void A_history_size_gives_every_shopper_that_many_distinct_items_each_viewed_once(int history)
    {
        var options = new SyntheticOptions { Users = 100, Items = 300, Seed = 5, HistoryItems = history };
        var data = SyntheticStorefront.Generate(options);

        Assert.Equal(options.Users, data.Events.Select(e => e.UserId).Distinct().Count());
        foreach (var shopper in data.Events.GroupBy(e => e.UserId))
        {
            var views = shopper.Where(e => e.Type == StorefrontEventType.View).Select(e => e.ItemId).ToList();
            Assert.Equal(history, views.Count);
            Assert.Equal(history, views.Distinct().Count());
            Assert.Equal(history, shopper.Select(e => e.ItemId).Distinct().Count());
        }

        // Still popularity-shaped: the head item is held by more shoppers than an item from the tail.
        var holders = data.Events.DistinctBy(e => (e.UserId, e.ItemId)).CountBy(e => e.ItemId).ToDictionary();
        Assert.True(holders["item-0000"] > holders.GetValueOrDefault("item-0299"));
        Assert.Equal(data.Events, SyntheticStorefront.Generate(options).Events);
    }

    [Fact]
    public void A_history_size_above_the_catalogue_gives_the_whole_catalogue()
    {
        var data = SyntheticStorefront.Generate(new SyntheticOptions { Users = 3, Items = 20, Categories = 4, HistoryItems = 50 });

        Assert.All(data.Events.GroupBy(e => e.UserId), shopper => Assert.Equal(20, shopper.Select(e => e.ItemId).Distinct().Count()));
    }

    [Fact]
    public void Items_co_occur_more_within_a_taste_cluster_than_across_clusters()
    {
        var options = Large;
        var data = SyntheticStorefront.Generate(options);
        var clusterOfCategory = new Dictionary<string, int>();
        foreach (var shopper in data.Shoppers)
        {
            foreach (var category in shopper.PreferredCategories)
            {
                clusterOfCategory[category] = shopper.Cluster;
            }
        }

        var categoryOf = data.Items.ToDictionary(i => i.ItemId, i => i.Category!);
        var cooc = CoOccurrence(data.Events);
        double within = 0, across = 0;
        long withinPairs = 0, acrossPairs = 0;
        var ids = data.Items.Select(i => i.ItemId).Take(60).ToList(); // the head, where the counts are large
        for (var a = 0; a < ids.Count; a++)
        {
            for (var b = a + 1; b < ids.Count; b++)
            {
                var count = cooc.GetValueOrDefault((ids[a], ids[b]));
                if (clusterOfCategory[categoryOf[ids[a]]] == clusterOfCategory[categoryOf[ids[b]]])
                {
                    within += count;
                    withinPairs++;
                }
                else
                {
                    across += count;
                    acrossPairs++;
                }
            }
        }

        Assert.True(within / withinPairs > 3 * (across / acrossPairs), $"within {within / withinPairs:F1}, across {across / acrossPairs:F1}");

        // The nearest neighbour (Jaccard, as the model's default) of each category's head item is liked by the same
        // cluster. Raw counts would pick item-0000 for everyone: it is everywhere.
        var occurrence = data.Events.DistinctBy(e => (e.UserId, e.ItemId)).CountBy(e => e.ItemId).ToDictionary();
        foreach (var head in ids.Take(options.Categories))
        {
            var neighbour = cooc.Where(p => p.Key.A == head || p.Key.B == head)
                .OrderByDescending(p => (double)p.Value / (occurrence[p.Key.A] + occurrence[p.Key.B] - p.Value))
                .Select(p => p.Key.A == head ? p.Key.B : p.Key.A)
                .First();
            Assert.Equal(clusterOfCategory[categoryOf[head]], clusterOfCategory[categoryOf[neighbour]]);
        }
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => SyntheticStorefront.Generate(new SyntheticOptions { Items = 5, Categories = 6 }));
        Assert.Throws<ArgumentException>(() => SyntheticStorefront.Generate(new SyntheticOptions { CartProbability = 1.5 }));
        Assert.Throws<ArgumentException>(() => SyntheticStorefront.Generate(new SyntheticOptions { Users = 0 }));
    }

    /// <summary>Distinct users holding both items, the way the item grains count it (pairs keyed in ordinal order).</summary>
    private static Dictionary<(string A, string B), int> CoOccurrence(IEnumerable<StorefrontEvent> events)
    {
        var cooc = new Dictionary<(string, string), int>();
        foreach (var shopper in events.GroupBy(e => e.UserId))
        {
            var items = shopper.Select(e => e.ItemId).Distinct().Order(StringComparer.Ordinal).ToList();
            for (var a = 0; a < items.Count; a++)
            {
                for (var b = a + 1; b < items.Count; b++)
                {
                    cooc[(items[a], items[b])] = cooc.GetValueOrDefault((items[a], items[b])) + 1;
                }
            }
        }

        return cooc;
    }

    private static string Describe(CatalogItem item) =>
        $"{item.ItemId}|{item.Title}|{item.Category}|{string.Join(',', item.Tags)}|{item.Price}|{item.Available}";
}
