using System.Net;
using System.Text.Json;
using Orleans.Configuration;
using Orleans.TestingHost;
using OrleansReco.Testing;
using Xunit;

namespace OrleansReco.GatewayTests;

[Collection(GatewayCollection.Name)]
public sealed class OperationalTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Liveness_and_readiness_answer_200_without_a_key()
    {
        var anonymous = fixture.Gateway.CreateClient(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_v1_API()
    {
        var response = await fixture.Gateway.CreateClient(null).GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");
        foreach (var path in new[] { "/v1/events", "/v1/users/{userId}/recommendations", "/v1/items/{itemId}/similar", "/v1/items/popular", "/v1/items", "/v1/items/{itemId}" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }
        var scheme = document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("/v1/users/{userId}/profile", "put", "ProfileRequest", null)]
    [InlineData("/v1/users/{userId}/export", "get", null, "UserExportResponse")]
    [InlineData("/v1/users/{userId}/consent", "put", "ConsentRequest", null)]
    [InlineData("/v1/users/{userId}", "delete", null, "ErasureReceiptResponse")]
    [InlineData("/v1/admin/erasures/{receiptId}", "get", null, "ErasureReceiptResponse")]
    [InlineData("/v1/admin/erasures/{receiptId}/verify", "post", "ErasureVerifyRequest", "ErasureVerifyResponse")]
    [InlineData("/v1/admin/keys/rewrap", "post", null, "KeyRotationReportResponse")]
    public async Task The_OpenAPI_document_describes_the_privacy_and_admin_endpoints(string path, string method, string? request, string? response)
    {
        using var document = JsonDocument.Parse(await fixture.Gateway.CreateClient(null).GetStringAsync("/openapi/v1.json"));
        var operation = document.RootElement.GetProperty("paths").GetProperty(path).GetProperty(method);
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");

        if (request is not null)
        {
            var schema = operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
            Assert.Equal($"#/components/schemas/{request}", schema.GetProperty("$ref").GetString());
            Assert.True(schemas.TryGetProperty(request, out _), request);
        }
        var responses = operation.GetProperty("responses");
        if (response is not null)
        {
            var schema = responses.GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");
            Assert.Equal($"#/components/schemas/{response}", schema.GetProperty("$ref").GetString());
            Assert.True(schemas.TryGetProperty(response, out _), response);
        }
        else
        {
            Assert.True(responses.TryGetProperty("204", out _));
        }
    }

    [Fact]
    public async Task The_OpenAPI_export_schema_lists_every_member_of_the_export()
    {
        using var document = JsonDocument.Parse(await fixture.Gateway.CreateClient(null).GetStringAsync("/openapi/v1.json"));
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        Assert.Equal(
            ["consent", "embedding", "exportedAt", "history", "profile", "segment", "userId"],
            schemas.GetProperty("UserExportResponse").GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(
            ["affinity", "carts", "firstSeen", "itemId", "lastSeen", "purchases", "views"],
            schemas.GetProperty("ExportedHistoryItemResponse").GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var attributes = schemas.GetProperty("ProfileRequest").GetProperty("properties").GetProperty("attributes");
        Assert.Equal("string", attributes.GetProperty("additionalProperties").GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_key_over_its_rate_limit_answers_429_and_other_keys_are_unaffected()
    {
        var configuration = GatewayHost.DefaultConfiguration();
        configuration["Reco:RateLimits:TokenLimit"] = "2";
        configuration["Reco:RateLimits:TokensPerPeriod"] = "1";
        configuration["Reco:RateLimits:ReplenishmentPeriod"] = "01:00:00";
        await using var gateway = await GatewayHost.StartAsync(fixture.Grains, configuration);
        var storefront = gateway.CreateClient(GatewayHost.StorefrontKey);

        // Invalid requests still spend tokens: they reach the endpoint. They keep this test independent of the grains.
        await (await storefront.GetAsync("/v1/items/popular?count=0")).AssertProblem(HttpStatusCode.BadRequest);
        await (await storefront.GetAsync("/v1/items/popular?count=0")).AssertProblem(HttpStatusCode.BadRequest);
        var limited = await storefront.GetAsync("/v1/items/popular?count=0");

        await limited.AssertProblem(HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited.Headers.RetryAfter);
        await (await gateway.CreateClient(GatewayHost.AdminKey).GetAsync("/v1/items/popular?count=0")).AssertProblem(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.OK, (await gateway.CreateClient(null).GetAsync("/health/live")).StatusCode);
    }
}

/// <summary>A gateway whose cluster is gone: a real one-silo cluster whose silo was killed under the live client.</summary>
public sealed class UnavailableClusterTests : IAsyncLifetime
{
    private InProcessTestCluster cluster = null!;
    private GatewayHost gateway = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddRecoForTests();
        });
        builder.ConfigureClient(client => client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(2)));
        cluster = builder.Build();
        await cluster.DeployAsync();
        await cluster.KillSiloAsync(cluster.Silos[0]);
        gateway = await GatewayHost.StartAsync(cluster.Client);
    }

    public async Task DisposeAsync()
    {
        await gateway.DisposeAsync();
        await cluster.DisposeAsync();
    }

    [Fact]
    public async Task Readiness_answers_503_while_liveness_answers_200()
    {
        var anonymous = gateway.CreateClient(null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await anonymous.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
    }

    [Theory]
    [InlineData("POST", "/v1/events", """{"userId":"u","itemId":"i","type":"view"}""")]
    [InlineData("GET", "/v1/users/u/recommendations", null)]
    [InlineData("GET", "/v1/items/i/similar", null)]
    [InlineData("GET", "/v1/items/popular", null)]
    [InlineData("PUT", "/v1/items/i", """{"title":"t"}""")]
    [InlineData("PUT", "/v1/users/u/profile", """{"attributes":{"name":"n"}}""")]
    [InlineData("GET", "/v1/users/u/export", null)]
    [InlineData("PUT", "/v1/users/u/consent", """{"personalization":false}""")]
    [InlineData("DELETE", "/v1/users/u", null)]
    [InlineData("GET", "/v1/admin/erasures/3f2504e0-4f89-41d3-9a0c-0305e82c3301", null)]
    [InlineData("POST", "/v1/admin/erasures/3f2504e0-4f89-41d3-9a0c-0305e82c3301/verify", """{"userId":"u"}""")]
    public async Task Grain_timeouts_answer_503_with_retry_after(string method, string path, string? body)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : Http.Json(body) };
        var response = await gateway.CreateClient(GatewayHost.AdminKey).SendAsync(request);

        await response.AssertProblem(HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(response.Headers.RetryAfter);
    }
}
