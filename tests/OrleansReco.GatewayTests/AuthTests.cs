using System.Net;
using System.Net.Http.Json;
using OrleansReco.Grains.Interfaces;
using Xunit;

namespace OrleansReco.GatewayTests;

[Collection(GatewayCollection.Name)]
public sealed class AuthTests(GatewayFixture fixture)
{
    private HttpClient Client(string? key) => fixture.Gateway.CreateClient(key);

    private Task<UserContext> ContextOf(string rawUserId) =>
        fixture.Grains.GetGrain<IUserGrain>(fixture.Gateway.Pseudonymizer.Pseudonymize(rawUserId)).GetContext();

    public static TheoryData<string, string> StorefrontReads => new()
    {
        { "GET", "/v1/users/someone/recommendations" },
        { "GET", "/v1/items/anything/similar" },
        { "GET", "/v1/items/popular" },
        { "GET", "/v1/items" },
    };

    [Fact]
    public async Task No_key_answers_401_and_records_nothing()
    {
        var user = Http.Unique("user");
        var response = await Client(null).PostEvents(Http.Event(user, "item"));
        await response.AssertProblem(HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "ApiKey");
        Assert.Empty((await ContextOf(user)).History);
    }

    [Fact]
    public async Task An_unknown_key_answers_401()
    {
        await (await Client("not-a-key").GetAsync("/v1/items/popular")).AssertProblem(HttpStatusCode.Unauthorized);
        // A prefix of a real key is not that key.
        await (await Client(GatewayHost.AdminKey[..^1]).GetAsync("/v1/items/popular")).AssertProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Keys_are_case_sensitive()
    {
        await (await Client(GatewayHost.AdminKey.ToUpperInvariant()).GetAsync("/v1/items/popular")).AssertProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Two_key_headers_answer_401()
    {
        var client = Client(GatewayHost.StorefrontKey);
        client.DefaultRequestHeaders.Add("X-Api-Key", GatewayHost.AdminKey);
        await (await client.GetAsync("/v1/items/popular")).AssertProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_storefront_role_cannot_upsert_items()
    {
        var item = Http.Unique("item");
        await (await Client(GatewayHost.StorefrontKey).PutAsJsonAsync($"/v1/items/{item}", new { title = "t" })).AssertProblem(HttpStatusCode.Forbidden);
        Assert.Null(await fixture.Grains.GetGrain<IItemGrain>(item).GetDetails());
    }

    [Theory]
    [InlineData(GatewayHost.CatalogKey)]
    [InlineData(GatewayHost.PrivacyKey)]
    public async Task Only_storefront_and_admin_may_post_events(string key)
    {
        var user = Http.Unique("user");
        await (await Client(key).PostEvents(Http.Event(user, "item"))).AssertProblem(HttpStatusCode.Forbidden);
        Assert.Empty((await ContextOf(user)).History);
    }

    [Theory]
    [MemberData(nameof(StorefrontReads))]
    public async Task Catalog_and_privacy_roles_cannot_read_recommendations(string method, string path)
    {
        foreach (var key in new[] { GatewayHost.CatalogKey, GatewayHost.PrivacyKey })
        {
            var response = await Client(key).SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            await response.AssertProblem(HttpStatusCode.Forbidden);
        }
    }

    [Theory]
    [MemberData(nameof(StorefrontReads))]
    public async Task The_storefront_role_reads(string method, string path)
    {
        var response = await Client(GatewayHost.StorefrontKey).SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_admin_role_may_do_everything()
    {
        var admin = Client(GatewayHost.AdminKey);
        var (user, item) = (Http.Unique("user"), Http.Unique("item"));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"/v1/items/{item}", new { title = "t" })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostEvents(Http.Event(user, item))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/v1/users/{user}/recommendations")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/v1/items/{item}/similar")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/v1/items/popular")).StatusCode);
        Assert.NotNull(await fixture.Grains.GetGrain<IItemGrain>(item).GetDetails());
        Assert.NotEmpty((await ContextOf(user)).History);
    }

    [Fact]
    public async Task Authentication_comes_before_validation()
    {
        // An anonymous caller learns nothing about the API's validation rules.
        await (await Client(null).GetAsync("/v1/items/popular?count=0")).AssertProblem(HttpStatusCode.Unauthorized);
    }
}
