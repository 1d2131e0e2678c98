using System.Net;
using System.Net.Http.Json;
using OrleansReco.Gateway.Contracts;
using Xunit;

namespace OrleansReco.GatewayTests;

/// <summary>
/// Privacy endpoints admit the privacy key (and admin, which may call everything); admin endpoints admit the admin
/// key only. A refused call changes nothing.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class PrivacyAuthTests(GatewayFixture fixture)
{
    private const string U = "{user}";

    private readonly HttpClient privacy = fixture.Gateway.CreateClient(GatewayHost.PrivacyKey);

    /// <summary>Every privacy endpoint with a valid request; <c>{user}</c> is replaced by a fresh user id.</summary>
    public static TheoryData<string, string, string?> PrivacyEndpoints => new()
    {
        { "PUT", $"/v1/users/{U}/profile", """{"attributes":{"name":"x"}}""" },
        { "GET", $"/v1/users/{U}/export", null },
        { "PUT", $"/v1/users/{U}/consent", """{"personalization":false}""" },
        { "DELETE", $"/v1/users/{U}", null },
    };

    /// <summary>Every admin endpoint with a valid request (receipt ids need not exist: refusal comes first).</summary>
    public static TheoryData<string, string, string?> AdminEndpoints => new()
    {
        { "GET", $"/v1/admin/erasures/{Guid.NewGuid()}", null },
        { "POST", $"/v1/admin/erasures/{Guid.NewGuid()}/verify", """{"userId":"someone"}""" },
        { "POST", "/v1/admin/keys/rewrap", null },
    };

    private static HttpRequestMessage Request(string method, string path, string? body, string user) =>
        new(new HttpMethod(method), path.Replace(U, user)) { Content = body is null ? null : Http.Json(body) };

    /// <summary>A user with a profile and a history item, so that any change a refused call made would show in the export.</summary>
    private async Task<(string User, UserExportResponse Export)> KnownUser()
    {
        var user = Http.Unique("user");
        var storefront = fixture.Gateway.CreateClient(GatewayHost.StorefrontKey);
        Assert.Equal(HttpStatusCode.Accepted, (await storefront.PostEvents(Http.Event(user, Http.Unique("item")))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent,
            (await privacy.PutAsJsonAsync($"/v1/users/{user}/profile", new { attributes = new { name = "before" } })).StatusCode);
        return (user, await (await privacy.GetAsync($"/v1/users/{user}/export")).AssertOk<UserExportResponse>());
    }

    private async Task AssertUnchanged(string user, UserExportResponse before)
    {
        var after = await (await privacy.GetAsync($"/v1/users/{user}/export")).AssertOk<UserExportResponse>();
        Assert.Equal(before.Profile, after.Profile);
        Assert.Equal(before.Consent, after.Consent);
        Assert.Equal(before.History, after.History);
    }

    [Theory]
    [MemberData(nameof(PrivacyEndpoints))]
    public async Task Storefront_and_catalog_keys_are_refused_with_403_and_change_nothing(string method, string path, string? body)
    {
        var (user, before) = await KnownUser();
        foreach (var key in new[] { GatewayHost.StorefrontKey, GatewayHost.CatalogKey })
        {
            var response = await fixture.Gateway.CreateClient(key).SendAsync(Request(method, path, body, user));
            await response.AssertProblem(HttpStatusCode.Forbidden);
        }
        await AssertUnchanged(user, before);
    }

    [Theory]
    [MemberData(nameof(PrivacyEndpoints))]
    public async Task No_key_or_an_unknown_key_is_refused_with_401_and_changes_nothing(string method, string path, string? body)
    {
        var (user, before) = await KnownUser();
        foreach (var key in new[] { null, "not-a-key" })
        {
            var response = await fixture.Gateway.CreateClient(key).SendAsync(Request(method, path, body, user));
            await response.AssertProblem(HttpStatusCode.Unauthorized);
        }
        await AssertUnchanged(user, before);
    }

    [Theory]
    [MemberData(nameof(AdminEndpoints))]
    public async Task Admin_endpoints_refuse_every_other_role_with_403(string method, string path, string? body)
    {
        foreach (var key in new[] { GatewayHost.StorefrontKey, GatewayHost.CatalogKey, GatewayHost.PrivacyKey })
        {
            var response = await fixture.Gateway.CreateClient(key).SendAsync(Request(method, path, body, ""));
            await response.AssertProblem(HttpStatusCode.Forbidden);
        }
    }

    [Theory]
    [MemberData(nameof(AdminEndpoints))]
    public async Task Admin_endpoints_refuse_no_key_with_401(string method, string path, string? body)
    {
        var response = await fixture.Gateway.CreateClient(null).SendAsync(Request(method, path, body, ""));
        await response.AssertProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Authentication_comes_before_validation_on_privacy_endpoints()
    {
        // Neither the id rules nor whether a receipt exists are told to a caller without the right key.
        await (await fixture.Gateway.CreateClient(null).GetAsync($"/v1/users/{new string('x', 129)}/export")).AssertProblem(HttpStatusCode.Unauthorized);
        await (await fixture.Gateway.CreateClient(GatewayHost.StorefrontKey).DeleteAsync("/v1/users/a%01b")).AssertProblem(HttpStatusCode.Forbidden);
        await (await privacy.GetAsync("/v1/admin/erasures/not-a-guid")).AssertProblem(HttpStatusCode.Forbidden);
    }
}
