using System.Net;
using System.Net.Http.Json;
using OrleansReco.Gateway.Contracts;
using Xunit;

namespace OrleansReco.GatewayTests;

/// <summary>End-to-end through the grains: these depend on the grain implementations' semantics.</summary>
[Collection(GatewayCollection.Name)]
public sealed class RecommendationTests(GatewayFixture fixture)
{
    private readonly HttpClient storefront = fixture.Gateway.CreateClient(GatewayHost.StorefrontKey);
    private readonly HttpClient catalog = fixture.Gateway.CreateClient(GatewayHost.CatalogKey);

    /// <summary>Each of <paramref name="users"/> new shoppers views every item of <paramref name="items"/>.</summary>
    /// Item aggregates follow the acknowledgement: the test reads them once every item holds these shoppers' changes.
    private async Task ViewTogether(int users, params string[] items)
    {
        var shoppers = Enumerable.Range(0, users).Select(_ => Http.Unique("shopper")).ToList();
        var events = shoppers.SelectMany(user => items.Select(item => Http.Event(user, item))).ToArray();
        Assert.Equal(HttpStatusCode.Accepted, (await storefront.PostEvents(Http.Batch(events))).StatusCode);
        await fixture.WaitForDeliveries(shoppers);
    }

    [Fact]
    public async Task Similar_items_need_three_distinct_users_supporting_the_pair()
    {
        var (boots, laces, polish) = (Http.Unique("boots"), Http.Unique("laces"), Http.Unique("polish"));
        await ViewTogether(3, boots, laces);
        await ViewTogether(2, boots, polish);

        var similar = await (await storefront.GetAsync($"/v1/items/{boots}/similar?count=10")).AssertOk<SimilarItemsResponse>();

        Assert.Equal(boots, similar.ItemId);
        var neighbour = Assert.Single(similar.Items, i => i.ItemId == laces);
        Assert.True(neighbour.Support >= 3);
        Assert.True(neighbour.Similarity > 0);
        Assert.DoesNotContain(similar.Items, i => i.ItemId == polish);
    }

    [Fact]
    public async Task Similar_items_carry_the_neighbours_category()
    {
        var (tent, pegs) = (Http.Unique("tent"), Http.Unique("pegs"));
        var category = Http.Unique("camping");
        Assert.Equal(HttpStatusCode.NoContent,
            (await catalog.PutAsJsonAsync($"/v1/items/{pegs}", new { title = "Pegs", category, tags = new[] { "steel" }, price = 4.5m, available = true })).StatusCode);
        await ViewTogether(3, tent, pegs);

        var similar = await (await storefront.GetAsync($"/v1/items/{tent}/similar")).AssertOk<SimilarItemsResponse>();

        Assert.Equal(category, Assert.Single(similar.Items, i => i.ItemId == pegs).Category);
    }

    [Fact]
    public async Task A_shopper_with_history_gets_similar_items_with_because()
    {
        var (camera, lens, bag) = (Http.Unique("camera"), Http.Unique("lens"), Http.Unique("bag"));
        await ViewTogether(3, camera, lens, bag);
        var shopper = Http.Unique("shopper");
        Assert.Equal(HttpStatusCode.Accepted, (await storefront.PostEvents(Http.Event(shopper, camera, "purchase"))).StatusCode);

        var result = await (await storefront.GetAsync($"/v1/users/{shopper}/recommendations?count=5&excludeSeen=true"))
            .AssertOk<RecommendationsResponse>();

        Assert.True(result.Personalized);
        var similar = result.Items.Where(i => i.Reason == "similar").ToList();
        Assert.Contains(similar, i => i.ItemId == lens);
        Assert.Contains(similar, i => i.ItemId == bag);
        Assert.All(similar, i => Assert.Equal(camera, i.Because));
        Assert.DoesNotContain(result.Items, i => i.ItemId == camera);
        Assert.True(result.Items.Count <= 5);
    }

    [Fact]
    public async Task Repeat_mode_offers_what_the_shopper_bought_because_of_itself_and_discovery_never_does()
    {
        var (coffee, filters, mug) = (Http.Unique("coffee"), Http.Unique("filters"), Http.Unique("mug"));
        await ViewTogether(3, coffee, filters, mug);
        var shopper = Http.Unique("shopper");
        Assert.Equal(HttpStatusCode.Accepted, (await storefront.PostEvents(Http.Batch(
            Http.Event(shopper, coffee, "purchase"), Http.Event(shopper, coffee, "purchase")))).StatusCode);

        var repeat = await (await storefront.GetAsync($"/v1/users/{shopper}/recommendations?count=5&mode=repeat"))
            .AssertOk<RecommendationsResponse>();
        var discovery = await (await storefront.GetAsync($"/v1/users/{shopper}/recommendations?count=5&mode=discovery"))
            .AssertOk<RecommendationsResponse>();

        var again = Assert.Single(repeat.Items, i => i.ItemId == coffee);
        Assert.Equal(("repeat", coffee), (again.Reason, again.Because));
        Assert.Contains(repeat.Items, i => i.ItemId == filters && i.Reason == "similar" && i.Because == coffee);
        Assert.DoesNotContain(discovery.Items, i => i.ItemId == coffee);
        Assert.Contains(discovery.Items, i => i.ItemId == filters);
    }

    [Fact]
    public async Task Excluded_items_are_left_out()
    {
        var (desk, lamp, chair) = (Http.Unique("desk"), Http.Unique("lamp"), Http.Unique("chair"));
        await ViewTogether(3, desk, lamp, chair);
        var shopper = Http.Unique("shopper");
        Assert.Equal(HttpStatusCode.Accepted, (await storefront.PostEvents(Http.Event(shopper, desk))).StatusCode);

        var result = await (await storefront.GetAsync($"/v1/users/{shopper}/recommendations?exclude={lamp},")).AssertOk<RecommendationsResponse>();

        Assert.Contains(result.Items, i => i.ItemId == chair && i.Reason == "similar");
        Assert.DoesNotContain(result.Items, i => i.ItemId == lamp);
    }

    [Fact]
    public async Task A_shopper_without_history_gets_popular_items()
    {
        await ViewTogether(2, Http.Unique("bestseller"));

        var result = await (await storefront.GetAsync($"/v1/users/{Http.Unique("newcomer")}/recommendations?count=3")).AssertOk<RecommendationsResponse>();

        Assert.NotEmpty(result.Items);
        Assert.True(result.Items.Count <= 3);
        Assert.All(result.Items, i => Assert.Equal("popular", i.Reason));
        Assert.All(result.Items, i => Assert.Null(i.Because));
    }

    [Fact]
    public async Task Popular_items_can_be_filtered_by_category()
    {
        var category = Http.Unique("garden");
        var (rake, hose, other) = (Http.Unique("rake"), Http.Unique("hose"), Http.Unique("other"));
        foreach (var item in new[] { rake, hose })
        {
            Assert.Equal(HttpStatusCode.NoContent,
                (await catalog.PutAsJsonAsync($"/v1/items/{item}", new { title = item, category, available = true })).StatusCode);
        }
        await ViewTogether(3, rake);
        await ViewTogether(1, hose);
        await ViewTogether(5, other);

        var popular = await (await storefront.GetAsync($"/v1/items/popular?count=10&category={category}")).AssertOk<PopularItemsResponse>();

        Assert.Equal([rake, hose], popular.Items.Select(i => i.ItemId));
        Assert.All(popular.Items, i => Assert.Equal(category, i.Category));
        Assert.True(popular.Items[0].Score > popular.Items[1].Score);
        // Private popularity is off by default: scores are the exact event weights, three views and one, decayed at most
        // by one day's 30-day half-life (should the test run across midnight UTC).
        var oneDay = Math.Pow(2, -1.0 / 30);
        Assert.InRange(popular.Items[0].Score, 3 * oneDay - 1e-9, 3 + 1e-9);
        Assert.InRange(popular.Items[1].Score, oneDay - 1e-9, 1 + 1e-9);
    }

    [Fact]
    public async Task Popular_items_without_category_answer_a_bounded_list()
    {
        await ViewTogether(1, Http.Unique("anything"));
        var popular = await (await storefront.GetAsync("/v1/items/popular?count=2")).AssertOk<PopularItemsResponse>();
        Assert.InRange(popular.Items.Count, 1, 2);
    }
}
