using OrleansReco.Grains.Interfaces;
using Xunit;

namespace OrleansReco.ClusterTests;

[Collection(ClusterCollection.Name)]
public sealed class RecommendationTests(RecoClusterFixture fixture)
{
    private readonly Storefront _shop = new(fixture.Client);

    [Fact]
    public async Task Similar_items_publish_only_pairs_held_by_at_least_three_users()
    {
        foreach (var user in new[] { "u1", "u2", "u3" }) await _shop.Do(user, EventType.View, "tent", "stove");
        foreach (var user in new[] { "u1", "u2" }) await _shop.Do(user, EventType.View, "lamp");

        var neighbours = await _shop.ItemGrain("tent").GetNeighbours(10);

        var only = Assert.Single(neighbours);
        Assert.Equal(_shop.Item("stove"), only.ItemId);
        Assert.Equal(3, only.Support);
        Assert.Equal(1.0, only.Similarity, 12);
    }

    [Fact]
    public async Task A_neighbourhood_follows_every_change_it_depends_on_and_is_not_recomputed_without_one()
    {
        foreach (var user in new[] { "u1", "u2", "u3" }) await _shop.Do(user, EventType.View, "tent", "stove");
        var tent = _shop.ItemGrain("tent");
        Assert.Equal(1.0, Assert.Single(await tent.GetNeighbours(10)).Similarity, 12);

        // Nothing moved: the test cluster checks on every read (NeighbourhoodMaxAge 0), and the check finds nothing to do.
        var (unchanged, calls) = await fixture.Calls.Trace(() => tent.GetNeighbours(10));
        Assert.Equal(1.0, Assert.Single(unchanged).Similarity, 12);
        Assert.True(calls.ContainsKey("IItemIndexShardGrain.GetVersion"));
        Assert.False(calls.ContainsKey("IItemIndexShardGrain.Lookup"));

        // Only the candidate changed (a fourth holder of the stove): Jaccard 3 / (3 + 4 - 3).
        await _shop.Do("u4", EventType.View, "stove");
        Assert.Equal(0.75, Assert.Single(await tent.GetNeighbours(10)).Similarity, 12);

        // The item's own counts changed: 4 / (4 + 5 - 4).
        await _shop.Do("u5", EventType.View, "tent", "stove");
        Assert.Equal(0.8, Assert.Single(await tent.GetNeighbours(10)).Similarity, 12);
    }

    [Fact]
    public async Task Repeat_mode_puts_what_is_bought_often_before_what_was_bought_lately()
    {
        var start = new DateTimeOffset(2025, 1, 6, 10, 0, 0, TimeSpan.Zero);
        var user = _shop.UserGrain("regular");
        // A staple bought three times two months ago, a novelty once this week: on the 30-day affinity the
        // novelty would lead (5 against ~3.9); as a repeat candidate the staple does (15 against 5, barely decayed).
        await user.Record([.. new[] { 0, 1, 2 }.Select(d => new BehaviourEvent(_shop.Item("staple"), EventType.Purchase, start.AddDays(d)))]);
        await user.Record([new BehaviourEvent(_shop.Item("novelty"), EventType.Purchase, start.AddDays(60))]);

        var result = await _shop.Recommender.Recommend(_shop.User("regular"), new RecommendationRequest(5, false, null, [], RecommendationMode.Repeat));

        Assert.Equal([_shop.Item("staple"), _shop.Item("novelty")], result.Items.Take(2).Select(i => i.ItemId));
        Assert.All(result.Items.Take(2), i => Assert.Equal(RecommendationReason.Repeat, i.Reason));
    }

    [Fact]
    public async Task Recommendations_follow_co_occurrence_explain_themselves_and_skip_what_was_bought()
    {
        foreach (var user in new[] { "u1", "u2", "u3" })
        {
            await _shop.Do(user, EventType.Purchase, "tent", "stove", "mat");
        }
        await _shop.Do("u1", EventType.View, "kettle");
        await _shop.Do("shopper", EventType.Purchase, "tent");

        var result = await _shop.Recommender.Recommend(_shop.User("shopper"), new RecommendationRequest(2, false, null, []));

        Assert.True(result.Personalized);
        Assert.Equal(["mat", "stove"], result.Items.Select(i => _shop.Name(i.ItemId)).Order());
        Assert.All(result.Items, i =>
        {
            Assert.Equal(_shop.Item("tent"), i.Because);
            Assert.Equal(RecommendationReason.Similar, i.Reason);
            Assert.True(i.Score > 0);
        });
    }

    [Fact]
    public async Task Viewed_items_stay_unless_exclude_seen_asks_otherwise()
    {
        foreach (var user in new[] { "u1", "u2", "u3" }) await _shop.Do(user, EventType.View, "a", "b", "c");
        await _shop.Do("shopper", EventType.View, "a", "b");

        var keepSeen = await _shop.Recommender.Recommend(_shop.User("shopper"), new RecommendationRequest(5, false, null, []));
        var dropSeen = await _shop.Recommender.Recommend(_shop.User("shopper"), new RecommendationRequest(5, true, null, []));
        var excludeList = await _shop.Recommender.Recommend(_shop.User("shopper"), new RecommendationRequest(5, false, null, [_shop.Item("c")]));

        var similar = (RecommendationResult r) => r.Items.Where(i => i.Reason == RecommendationReason.Similar).Select(i => _shop.Name(i.ItemId)).Order();
        Assert.Equal(["a", "b", "c"], similar(keepSeen));
        Assert.Equal(["c"], similar(dropSeen));
        Assert.Equal(["a", "b"], similar(excludeList));
    }

    [Fact]
    public async Task A_category_filter_keeps_only_that_category()
    {
        await _shop.Catalogue("boot", "shoes");
        await _shop.Catalogue("cap", "hats");
        foreach (var user in new[] { "u1", "u2", "u3" }) await _shop.Do(user, EventType.View, "sock", "boot", "cap");
        await _shop.Do("shopper", EventType.View, "sock");

        var result = await _shop.Recommender.Recommend(_shop.User("shopper"), new RecommendationRequest(5, false, "shoes", []));

        var similar = result.Items.Where(i => i.Reason == RecommendationReason.Similar).ToList();
        Assert.Equal(_shop.Item("boot"), Assert.Single(similar).ItemId);
    }

    [Fact]
    public async Task A_shopper_without_history_gets_popular_items_marked_as_such()
    {
        await _shop.Catalogue("hit");
        await _shop.Catalogue("quiet");
        foreach (var user in new[] { "u1", "u2", "u3" }) await _shop.Do(user, EventType.Purchase, "hit");
        await _shop.Do("u1", EventType.View, "quiet");

        var result = await _shop.Recommender.Recommend(_shop.User("new"), new RecommendationRequest(2, false, _shop.Category, []));

        Assert.False(result.Personalized);
        Assert.Equal(["hit", "quiet"], result.Items.Select(i => _shop.Name(i.ItemId)));
        Assert.All(result.Items, i => Assert.Equal(RecommendationReason.Popular, i.Reason));
        Assert.All(result.Items, i => Assert.Null(i.Because));
    }

    [Fact]
    public async Task Popularity_ranks_by_decayed_event_weight_and_hides_unavailable_items()
    {
        await _shop.Catalogue("one");
        await _shop.Catalogue("two");
        await _shop.Catalogue("gone", available: false);
        await _shop.Do("u1", EventType.Purchase, "two", "gone");
        await _shop.Do("u2", EventType.View, "one", "two", "gone");

        var popular = await _shop.Recommender.Popular(10, _shop.Category);

        Assert.Equal(["two", "one"], popular.Select(p => _shop.Name(p.ItemId)));
        Assert.Equal(6, popular[0].Score, 6);
        Assert.Equal(1, popular[1].Score, 6);
    }

    [Fact]
    public async Task Short_lists_are_filled_from_popularity_without_duplicates()
    {
        // x has no catalogue text, so nothing is like it by content: what its neighbourhood does not list comes from the
        // fill (z shares y's category and title words, and would be x's content neighbour if x had them too).
        await _shop.ItemGrain("x").Upsert(new ItemDetails(null, null, [], null, Available: true));
        await _shop.Catalogue("y");
        await _shop.Catalogue("z");
        foreach (var user in new[] { "u1", "u2", "u3" }) await _shop.Do(user, EventType.View, "x", "y");
        await _shop.Do("u1", EventType.Purchase, "z");
        await _shop.Do("shopper", EventType.Purchase, "x");

        var result = await _shop.Recommender.Recommend(_shop.User("shopper"), new RecommendationRequest(3, false, _shop.Category, []));

        Assert.Equal(["y", "z"], result.Items.Select(i => _shop.Name(i.ItemId)));
        Assert.Equal([RecommendationReason.Similar, RecommendationReason.Popular], result.Items.Select(i => i.Reason));
    }
}
