using System.Net;
using System.Net.Http.Json;
using OrleansReco.Gateway.Contracts;
using Xunit;

namespace OrleansReco.GatewayTests;

/// <summary><c>GET /v1/items</c>: the catalogue in pages, in item-id order, for a storefront's browse pages and the demo.</summary>
[Collection(GatewayCollection.Name)]
public sealed class CatalogueTests(GatewayFixture fixture)
{
    private readonly HttpClient storefront = fixture.Gateway.CreateClient(GatewayHost.StorefrontKey);
    private readonly HttpClient catalog = fixture.Gateway.CreateClient(GatewayHost.CatalogKey);

    [Fact]
    public async Task Pages_of_one_category_list_each_of_its_items_once_in_id_order_with_their_catalogue_data()
    {
        // A category of this test's own: the shared cluster holds other tests' items.
        var category = Http.Unique("shelf");
        var items = Enumerable.Range(0, 5).Select(i => $"{category}-item-{i}").Reverse().ToList();
        foreach (var (item, n) in items.Select((item, n) => (item, n)))
        {
            var put = await catalog.PutAsJsonAsync($"/v1/items/{item}", new { title = $"Thing {n}", category, tags = new[] { "t" }, price = n + 0.5m });
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        }

        var pages = new List<CatalogueResponse>();
        string? after = null;
        do
        {
            var query = $"/v1/items?category={category}&count=2" + (after is null ? "" : $"&after={after}");
            var page = await (await storefront.GetAsync(query)).AssertOk<CatalogueResponse>();
            pages.Add(page);
            after = page.Next;
        }
        while (after is not null && pages.Count < 10);

        Assert.Equal([2, 2, 1], pages.Select(p => p.Items.Count));
        var listed = pages.SelectMany(p => p.Items).ToList();
        Assert.Equal(items.Order(StringComparer.Ordinal), listed.Select(i => i.ItemId));
        var first = listed[0];
        Assert.Equal($"{category}-item-0", first.ItemId);
        Assert.Equal("Thing 4", first.Title);
        Assert.Equal(category, first.Category);
        Assert.Equal(["t"], first.Tags);
        Assert.Equal(4.5m, first.Price);
        Assert.True(first.Available);
    }

    [Fact]
    public async Task An_item_known_only_from_events_is_listed_without_catalogue_data()
    {
        var prefix = Http.Unique("seen");
        var (user, item) = (Http.Unique("user"), prefix + "-b");
        await (await storefront.PostEvents(Http.Event(user, item))).AssertOk<EventsAccepted>(HttpStatusCode.Accepted);
        await fixture.WaitForDeliveries([user]);

        // No id lies between "<prefix>-a" and "<prefix>-b" but those that start with "<prefix>-a".
        var page = await (await storefront.GetAsync($"/v1/items?after={prefix}-a&count=1")).AssertOk<CatalogueResponse>();

        var listed = Assert.Single(page.Items);
        Assert.Equal(item, listed.ItemId);
        Assert.Null(listed.Title);
        Assert.Null(listed.Category);
        Assert.Empty(listed.Tags);
        Assert.Null(listed.Price);
        Assert.True(listed.Available);
        Assert.Equal(item, page.Next);
    }

    [Fact]
    public async Task A_category_nobody_uses_is_an_empty_last_page()
    {
        var page = await (await storefront.GetAsync($"/v1/items?category={Http.Unique("none")}")).AssertOk<CatalogueResponse>();

        Assert.Empty(page.Items);
        Assert.Null(page.Next);
    }
}
