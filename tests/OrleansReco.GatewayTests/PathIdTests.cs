using System.Net;
using System.Net.Http.Json;
using OrleansReco.Gateway.Contracts;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Testing;
using Xunit;

namespace OrleansReco.GatewayTests;

/// <summary>
/// Ids in paths, over real HTTP: every id the API accepts is reached exactly by its RFC 3986 percent-encoding on
/// every endpoint that takes it in the path, and no encoding of one id reaches another.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class PathIdTests(GatewayFixture fixture)
{
    private readonly HttpClient storefront = fixture.Gateway.CreateClient(GatewayHost.StorefrontKey);
    private readonly HttpClient catalog = fixture.Gateway.CreateClient(GatewayHost.CatalogKey);
    private readonly HttpClient privacy = fixture.Gateway.CreateClient(GatewayHost.PrivacyKey);

    public static TheoryData<string> Ids() => new(HostileIds.All);

    private async Task<UserExportResponse> Export(string user) =>
        await (await privacy.GetAsync($"/v1/users/{HostileIds.Encode(user)}/export")).AssertOk<UserExportResponse>();

    [Theory]
    [MemberData(nameof(Ids))]
    public async Task Every_path_reaches_exactly_the_id_and_erasure_leaves_its_neighbours(string id)
    {
        var path = HostileIds.Encode(id);
        var neighbours = HostileIds.Neighbours(id);
        foreach (var user in neighbours.Prepend(id))
        {
            Assert.Equal(HttpStatusCode.Accepted, (await storefront.PostEvents(Http.Event(user, user, "purchase"))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent,
            (await privacy.PutAsJsonAsync($"/v1/users/{path}/profile", new { attributes = new { tier = "gold" } })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await privacy.PutAsJsonAsync($"/v1/users/{path}/consent", new { personalization = true })).StatusCode);
        var export = await Export(id);
        Assert.Equal(id, export.UserId);
        Assert.Equal([id], export.History.Select(h => h.ItemId));
        Assert.Equal("gold", export.Profile["tier"]);
        await (await storefront.GetAsync($"/v1/users/{path}/recommendations")).AssertOk<RecommendationsResponse>();

        // Items are never erased, so another row of the table may have upserted a neighbour: the title is this row's own.
        var title = Http.Unique("title");
        Assert.Equal(HttpStatusCode.NoContent, (await catalog.PutAsJsonAsync($"/v1/items/{path}", new { title })).StatusCode);
        Assert.Equal(title, (await fixture.Grains.GetGrain<IItemGrain>(id).GetDetails())?.Title);
        var similar = await (await storefront.GetAsync($"/v1/items/{path}/similar")).AssertOk<SimilarItemsResponse>();
        Assert.Equal(id, similar.ItemId);

        Assert.Equal(HttpStatusCode.OK, (await privacy.DeleteAsync($"/v1/users/{path}")).StatusCode);
        await (await privacy.GetAsync($"/v1/users/{path}/export")).AssertProblem(HttpStatusCode.NotFound);
        foreach (var neighbour in neighbours)
        {
            var kept = await Export(neighbour);
            Assert.Equal([neighbour], kept.History.Select(h => h.ItemId));
            Assert.Empty(kept.Profile);
            Assert.NotEqual(title, (await fixture.Grains.GetGrain<IItemGrain>(neighbour).GetDetails())?.Title);
            Assert.Equal(HttpStatusCode.OK, (await privacy.DeleteAsync($"/v1/users/{HostileIds.Encode(neighbour)}")).StatusCode);
        }
    }

    /// <summary>Targets sent as written: .NET's Uri would otherwise remove dot segments before they leave the client.</summary>
    [Theory]
    [InlineData("/v1/users/a%FFb/export")] // not UTF-8
    [InlineData("/v1/users/a%C3/export")] // a UTF-8 sequence cut short
    [InlineData("/v1/users/a%2/export")]
    [InlineData("/v1/users/%/export")]
    [InlineData("/v1/users/a%zzb/export")]
    [InlineData("/v1/users/elsewhere/../someone/export")]
    [InlineData("/v1/users/./someone/export")]
    [InlineData("/v1/users/someone/%2E/export")]
    public async Task A_path_that_does_not_spell_one_id_exactly_answers_400(string target)
    {
        var uri = new Uri(fixture.Gateway.BaseAddress + target.TrimStart('/'), new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

        var problem = await (await privacy.GetAsync(uri)).AssertProblem(HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("userId", out _));
    }
}
