using System.Net;
using System.Net.Http.Json;
using OrleansReco.Gateway.Contracts;
using Xunit;

namespace OrleansReco.GatewayTests;

/// <summary>
/// Item cold start over HTTP: products upserted with a title, category and tags and no events have similar items by
/// their text, and a new product reaches the recommendations of a shopper whose history holds an item like it. The
/// texts carry a word of their own per test, so other tests' catalogue in the shared cluster matches none of them.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ContentTests(GatewayFixture fixture)
{
    private readonly HttpClient catalog = fixture.Gateway.CreateClient(GatewayHost.CatalogKey);
    private readonly HttpClient storefront = fixture.Gateway.CreateClient(GatewayHost.StorefrontKey);

    /// <summary>A brass lamp (established: shoppers buy it), a walnut lamp (new: no events), and a tea towel.</summary>
    private async Task<(string Brass, string Walnut, string Towel, string Category)> Catalogue()
    {
        var (brass, walnut, towel) = (Http.Unique("brass"), Http.Unique("walnut"), Http.Unique("towel"));
        var word = $"w{Guid.NewGuid():N}";
        var category = $"lighting {word}";
        await Put(brass, new { title = $"{word} brass desk lamp", category, tags = new[] { "lamp", word } });
        await Put(walnut, new { title = $"{word} walnut desk lamp", category, tags = new[] { "lamp", word } });
        await Put(towel, new { title = $"x{Guid.NewGuid():N} cotton tea towel", category = $"kitchen x{Guid.NewGuid():N}" });
        return (brass, walnut, towel, category);
    }

    private async Task Put(string item, object body) =>
        Assert.Equal(HttpStatusCode.NoContent, (await catalog.PutAsJsonAsync($"/v1/items/{item}", body)).StatusCode);

    [Fact]
    public async Task A_new_item_with_text_and_no_events_has_similar_items_by_its_text()
    {
        var (brass, walnut, towel, category) = await Catalogue();

        var similar = await (await storefront.GetAsync($"/v1/items/{walnut}/similar")).AssertOk<SimilarItemsResponse>();

        var lamp = Assert.Single(similar.Items, i => i.ItemId == brass);
        Assert.Equal(0, lamp.Support); // from text alone: nobody holds the new lamp
        Assert.InRange(lamp.Content, 0.01, 0.999);
        Assert.Equal(lamp.Content, lamp.Similarity, 12); // no co-occurrence yet: the neighbourhood is all content
        Assert.Equal(category, lamp.Category);
        Assert.DoesNotContain(similar.Items, i => i.ItemId == towel || i.ItemId == walnut);
    }

    [Fact]
    public async Task A_new_item_reaches_the_recommendations_of_a_shopper_of_an_item_like_it()
    {
        var (brass, walnut, towel, _) = await Catalogue();
        var (lampBuyer, towelBuyer) = (Http.Unique("shopper"), Http.Unique("shopper"));
        Assert.Equal(HttpStatusCode.Accepted, (await storefront.PostEvents(Http.Batch(
            Http.Event(lampBuyer, brass, "purchase"), Http.Event(towelBuyer, towel, "purchase")))).StatusCode);

        var forLampBuyer = await (await storefront.GetAsync($"/v1/users/{lampBuyer}/recommendations?count=20")).AssertOk<RecommendationsResponse>();
        var forTowelBuyer = await (await storefront.GetAsync($"/v1/users/{towelBuyer}/recommendations?count=20")).AssertOk<RecommendationsResponse>();

        // No one has bought the walnut lamp: only its text can have listed it (it has no popularity to fill with).
        var listed = Assert.Single(forLampBuyer.Items, i => i.ItemId == walnut);
        Assert.Equal(brass, listed.Because);
        Assert.Contains(listed.Reason, new[] { "content", "similar" });
        Assert.True(forLampBuyer.Personalized);
        Assert.DoesNotContain(forTowelBuyer.Items, i => i.ItemId == walnut);
    }

    [Fact]
    public async Task With_content_similar_items_still_refuse_a_bad_count()
    {
        var (_, walnut, _, _) = await Catalogue();

        var problem = await (await storefront.GetAsync($"/v1/items/{walnut}/similar?count=0")).AssertProblem(HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("count", out _));
    }
}
