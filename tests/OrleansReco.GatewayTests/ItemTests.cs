using System.Net;
using System.Net.Http.Json;
using System.Text;
using OrleansReco.Grains.Interfaces;
using Xunit;

namespace OrleansReco.GatewayTests;

[Collection(GatewayCollection.Name)]
public sealed class ItemTests(GatewayFixture fixture)
{
    private readonly HttpClient catalog = fixture.Gateway.CreateClient(GatewayHost.CatalogKey);

    private Task<ItemDetails?> DetailsOf(string itemId) => fixture.Grains.GetGrain<IItemGrain>(itemId).GetDetails();

    [Fact]
    public async Task The_catalog_role_upserts_an_item()
    {
        var item = Http.Unique("kettle");
        var response = await catalog.PutAsJsonAsync($"/v1/items/{item}",
            new { title = "Kettle", category = "kitchen", tags = new[] { "steel", "1.7l" }, price = 29.99m, available = false });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var details = await DetailsOf(item);
        Assert.NotNull(details);
        Assert.Equal("Kettle", details.Title);
        Assert.Equal("kitchen", details.Category);
        Assert.Equal(["steel", "1.7l"], details.Tags);
        Assert.Equal(29.99m, details.Price);
        Assert.False(details.Available);
    }

    [Fact]
    public async Task An_upsert_replaces_the_previous_details_and_defaults_to_available()
    {
        var item = Http.Unique("mug");
        await catalog.PutAsJsonAsync($"/v1/items/{item}", new { title = "Mug", category = "kitchen", price = 5m, available = false });

        Assert.Equal(HttpStatusCode.NoContent, (await catalog.PutAsJsonAsync($"/v1/items/{item}", new { title = "Big mug" })).StatusCode);

        var details = await DetailsOf(item);
        Assert.NotNull(details);
        Assert.Equal("Big mug", details.Title);
        Assert.Null(details.Category);
        Assert.Null(details.Price);
        Assert.Empty(details.Tags);
        Assert.True(details.Available);
    }

    public static TheoryData<string, string> BadBodies => new()
    {
        { "unknown property", """{"title":"t","colour":"red"}""" },
        { "negative price", """{"title":"t","price":-1}""" },
        { "price as string", """{"title":"t","price":"9.99"}""" },
        { "tags not an array", """{"title":"t","tags":"a,b"}""" },
        { "tag not a string", """{"title":"t","tags":["a",1]}""" },
        { "empty tag", """{"title":"t","tags":[""]}""" },
        { "too many tags", "{\"tags\":[" + string.Join(",", Enumerable.Range(0, 51).Select(i => $"\"t{i}\"")) + "]}" },
        { "available not a boolean", """{"title":"t","available":"yes"}""" },
        { "title too long", $$"""{"title":"{{new string('t', 513)}}"}""" },
        { "category with a control character", """{"category":"a\u0007b"}""" },
        { "category too long", $$"""{"category":"{{new string('c', 129)}}"}""" },
        { "duplicate property", """{"title":"a","title":"b"}""" },
        { "array body", """[{"title":"t"}]""" },
        { "malformed", """{"title":""" },
        { "empty", "" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_item_body_answers_400_and_changes_nothing(string because, string body)
    {
        var item = Http.Unique("item");
        var response = await catalog.PutAsync($"/v1/items/{item}", Http.Json(body));
        await response.AssertProblem(HttpStatusCode.BadRequest);
        Assert.NotNull(because);
        Assert.Null(await DetailsOf(item));
    }

    [Fact]
    public async Task A_bad_body_leaves_an_existing_item_unchanged()
    {
        var item = Http.Unique("item");
        await catalog.PutAsJsonAsync($"/v1/items/{item}", new { title = "Original", price = 1m });
        var before = await DetailsOf(item);

        await (await catalog.PutAsync($"/v1/items/{item}", Http.Json("""{"title":"Changed","price":-5}"""))).AssertProblem(HttpStatusCode.BadRequest);

        Assert.Equal(before!.Title, (await DetailsOf(item))!.Title);
        Assert.Equal(before.Price, (await DetailsOf(item))!.Price);
    }

    [Fact]
    public async Task An_over_long_item_id_answers_400()
    {
        var item = new string('x', 129);
        await (await catalog.PutAsJsonAsync($"/v1/items/{item}", new { title = "t" })).AssertProblem(HttpStatusCode.BadRequest);
        Assert.Null(await DetailsOf(item));
    }

    [Fact]
    public async Task A_control_character_in_the_item_id_answers_400()
    {
        await (await catalog.PutAsJsonAsync("/v1/items/a%01b", new { title = "t" })).AssertProblem(HttpStatusCode.BadRequest);
        Assert.Null(await DetailsOf("a\u0001b"));
    }

    [Fact]
    public async Task A_non_JSON_item_body_answers_415()
    {
        var item = Http.Unique("item");
        var response = await catalog.PutAsync($"/v1/items/{item}", new StringContent("""{"title":"t"}""", Encoding.UTF8, "text/plain"));
        await response.AssertProblem(HttpStatusCode.UnsupportedMediaType);
        Assert.Null(await DetailsOf(item));
    }

    [Fact]
    public async Task An_item_body_over_1_MiB_answers_413()
    {
        var item = Http.Unique("item");
        var body = """{"title":"t"}""" + new string(' ', 1024 * 1024);
        await (await catalog.PutAsync($"/v1/items/{item}", Http.Json(body))).AssertProblem(HttpStatusCode.RequestEntityTooLarge);
        Assert.Null(await DetailsOf(item));
    }
}
