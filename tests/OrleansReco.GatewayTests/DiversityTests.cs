using System.Net;
using System.Net.Http.Json;
using OrleansReco.Gateway.Contracts;
using Xunit;

namespace OrleansReco.GatewayTests;

/// <summary>
/// A shop whose kettle buyers mostly buy mugs, on a cluster and gateway of its own (the model trained here changes
/// every later recommendation, which the shared collection's tests do not expect): ten shoppers buy the kettle and
/// five mugs, four the kettle and five plates, six only the plates. For a shopper who bought the kettle, mugs are the
/// most relevant by far; mugs are alike (the same buyers), plates alike among themselves and unlike mugs. Mugs and
/// plates each have a category; the kettle has none. Then a model is trained, so every item has a vector.
/// </summary>
public sealed class KettleShop : IAsyncLifetime
{
    public GatewayFixture Cluster { get; } = new();

    public string Kettle => "kettle";

    public static bool IsMug(string itemId) => itemId.StartsWith("mug-", StringComparison.Ordinal);

    public static bool IsPlate(string itemId) => itemId.StartsWith("plate-", StringComparison.Ordinal);

    public async Task InitializeAsync()
    {
        await Cluster.InitializeAsync();
        var catalog = Cluster.Gateway.CreateClient(GatewayHost.CatalogKey);
        foreach (var (item, category) in Enumerable.Range(0, 5).SelectMany(i => new[] { ($"mug-{i}", "mugs"), ($"plate-{i}", "plates") }))
        {
            Assert.Equal(HttpStatusCode.NoContent,
                (await catalog.PutAsJsonAsync($"/v1/items/{item}", new { title = item, category, available = true })).StatusCode);
        }
        var mugs = Enumerable.Range(0, 5).Select(i => $"mug-{i}").ToList();
        var plates = Enumerable.Range(0, 5).Select(i => $"plate-{i}").ToList();
        var baskets = Enumerable.Range(0, 10).Select(_ => mugs.Append(Kettle))
            .Concat(Enumerable.Range(0, 4).Select(_ => plates.Append(Kettle)))
            .Concat(Enumerable.Range(0, 6).Select(_ => plates.AsEnumerable()))
            .Select((items, n) => (User: $"shopper-{n}", Items: items.ToList()))
            .ToList();
        var events = baskets.SelectMany(b => b.Items.Select(item => Http.Event(b.User, item, "purchase"))).ToArray();
        var storefront = Cluster.Gateway.CreateClient(GatewayHost.StorefrontKey);
        Assert.Equal(HttpStatusCode.Accepted, (await storefront.PostEvents(Http.Batch(events))).StatusCode);
        await Cluster.WaitForDeliveries(baskets.Select(b => b.User));

        var admin = Cluster.Gateway.CreateClient(GatewayHost.AdminKey);
        var trained = await (await admin.PostAsync("/v1/admin/model/train?wait=true", null)).AssertOk<EmbeddingStatusResponse>();
        Assert.Null(trained.LastError);
    }

    public Task DisposeAsync() => Cluster.DisposeAsync();
}

/// <summary>The <c>diversity</c> and <c>maxPerCategory</c> options over HTTP, on the kettle shop.</summary>
public sealed class DiversityTests(KettleShop shop) : IClassFixture<KettleShop>
{
    private readonly HttpClient storefront = shop.Cluster.Gateway.CreateClient(GatewayHost.StorefrontKey);

    private async Task<string> KettleBuyer()
    {
        var shopper = Http.Unique("buyer");
        Assert.Equal(HttpStatusCode.Accepted, (await storefront.PostEvents(Http.Event(shopper, shop.Kettle, "purchase"))).StatusCode);
        return shopper;
    }

    private async Task<RecommendationsResponse> Recommend(string shopper, string query) =>
        await (await storefront.GetAsync($"/v1/users/{shopper}/recommendations?{query}")).AssertOk<RecommendationsResponse>();

    [Fact]
    public async Task Diversity_0_is_the_default_list_and_diversity_1_brings_the_unlike_items_up()
    {
        var shopper = await KettleBuyer();

        var plain = await Recommend(shopper, "count=4");
        var zero = await Recommend(shopper, "count=4&diversity=0");
        var diverse = await Recommend(shopper, "count=4&diversity=1");

        Assert.Equal(plain.Items, zero.Items);
        // By relevance: four mugs. Diversified: the best mug first, then a plate, the item least like it.
        Assert.All(plain.Items, i => Assert.True(KettleShop.IsMug(i.ItemId), i.ItemId));
        Assert.Equal(plain.Items[0], diverse.Items[0]);
        Assert.True(KettleShop.IsPlate(diverse.Items[1].ItemId), diverse.Items[1].ItemId);
        // Each item keeps its own score and reason: the kettle explains every one of them.
        Assert.True(diverse.Personalized);
        Assert.All(diverse.Items, i => Assert.Equal(shop.Kettle, i.Because));
        Assert.All(diverse.Items, i => Assert.Contains(i.Reason, new[] { "similar", "embedding" }));
        var scores = plain.Items.Concat(diverse.Items).GroupBy(i => i.ItemId);
        Assert.All(scores, g => Assert.Single(g.Select(i => (i.Score, i.Reason)).Distinct()));
    }

    [Fact]
    public async Task Max_per_category_1_lists_one_item_of_each_category()
    {
        var shopper = await KettleBuyer();

        var plain = await Recommend(shopper, "count=4");
        var capped = await Recommend(shopper, "count=4&maxPerCategory=1");

        Assert.All(plain.Items, i => Assert.True(KettleShop.IsMug(i.ItemId), i.ItemId));
        // The best mug, then the best plate; the rest of the shop is mugs, plates and the kettle the shopper bought,
        // so the list stops at two rather than break the cap.
        Assert.Equal(2, capped.Items.Count);
        Assert.Equal(plain.Items[0], capped.Items[0]);
        Assert.True(KettleShop.IsPlate(capped.Items[1].ItemId), capped.Items[1].ItemId);
    }

    [Fact]
    public async Task Max_per_category_2_keeps_the_two_best_of_the_top_category()
    {
        var shopper = await KettleBuyer();

        var plain = await Recommend(shopper, "count=6");
        var capped = await Recommend(shopper, "count=6&maxPerCategory=2");

        Assert.Equal(plain.Items.Take(2), capped.Items.Take(2));
        Assert.Equal(2, capped.Items.Count(i => KettleShop.IsMug(i.ItemId)));
        Assert.Equal(2, capped.Items.Count(i => KettleShop.IsPlate(i.ItemId)));
        Assert.Equal(4, capped.Items.Count);
    }
}
