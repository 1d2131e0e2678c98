using System.Net;
using Xunit;

namespace OrleansReco.GatewayTests;

[Collection(GatewayCollection.Name)]
public sealed class QueryValidationTests(GatewayFixture fixture)
{
    private readonly HttpClient storefront = fixture.Gateway.CreateClient(GatewayHost.StorefrontKey);

    public static TheoryData<string> ReadPaths => new()
    {
        "/v1/users/someone/recommendations",
        "/v1/items/anything/similar",
        "/v1/items/popular",
    };

    public static TheoryData<string, string> BadCounts()
    {
        var data = new TheoryData<string, string>();
        foreach (var path in new[] { "/v1/users/someone/recommendations", "/v1/items/anything/similar", "/v1/items/popular" })
        {
            foreach (var query in new[] { "count=0", "count=101", "count=-1", "count=abc", "count=1.5", "count=", "count=%201", "count=99999999999", "count=5&count=6" })
            {
                data.Add(path, query);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BadCounts))]
    public async Task A_count_outside_1_to_100_answers_400(string path, string query)
    {
        var problem = await (await storefront.GetAsync($"{path}?{query}")).AssertProblem(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("count", out _));
    }

    [Theory]
    [MemberData(nameof(ReadPaths))]
    public async Task The_count_bounds_are_accepted(string path)
    {
        Assert.Equal(HttpStatusCode.OK, (await storefront.GetAsync($"{path}?count=1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await storefront.GetAsync($"{path}?count=100")).StatusCode);
    }

    [Theory]
    [InlineData("/v1/users/someone/recommendations?excludeSeen=maybe")]
    [InlineData("/v1/users/someone/recommendations?mode=again")]
    [InlineData("/v1/users/someone/recommendations?category=a%01b")]
    [InlineData("/v1/users/someone/recommendations?exclude=a,b%0Ac")]
    [InlineData("/v1/items/popular?category=a%09b")]
    [InlineData("/v1/users/a%01b/recommendations")]
    [InlineData("/v1/users/%20%20/recommendations")]
    [InlineData("/v1/items/a%7Fb/similar")]
    public async Task Bad_ids_and_flags_answer_400(string pathAndQuery)
    {
        await (await storefront.GetAsync(pathAndQuery)).AssertProblem(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("diversity=-0.5", "diversity")]
    [InlineData("diversity=2", "diversity")]
    [InlineData("diversity=%200.5", "diversity")]
    [InlineData("diversity=half", "diversity")]
    [InlineData("maxPerCategory=0", "maxPerCategory")]
    [InlineData("maxPerCategory=101", "maxPerCategory")]
    [InlineData("maxPerCategory=two", "maxPerCategory")]
    public async Task A_diversity_or_category_cap_out_of_range_answers_400_naming_it(string query, string parameter)
    {
        var problem = await (await storefront.GetAsync($"/v1/users/someone/recommendations?{query}")).AssertProblem(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(parameter, out _), errors.ToString());
        Assert.Single(errors.EnumerateObject());
    }

    [Theory]
    [InlineData("diversity=0&maxPerCategory=1")]
    [InlineData("diversity=1&maxPerCategory=100")]
    [InlineData("diversity=0.25")]
    [InlineData("diversity=.5")]
    public async Task The_diversity_and_category_cap_bounds_are_accepted(string query)
    {
        Assert.Equal(HttpStatusCode.OK, (await storefront.GetAsync($"/v1/users/someone/recommendations?{query}")).StatusCode);
    }

    [Fact]
    public async Task Over_long_ids_in_the_path_or_query_answer_400()
    {
        var id = new string('x', 129);
        await (await storefront.GetAsync($"/v1/users/{id}/recommendations")).AssertProblem(HttpStatusCode.BadRequest);
        await (await storefront.GetAsync($"/v1/items/{id}/similar")).AssertProblem(HttpStatusCode.BadRequest);
        await (await storefront.GetAsync($"/v1/items/popular?category={id}")).AssertProblem(HttpStatusCode.BadRequest);
        await (await storefront.GetAsync($"/v1/users/someone/recommendations?exclude={id}")).AssertProblem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_id_of_exactly_128_characters_is_accepted()
    {
        var id = new string('x', 128);
        Assert.Equal(HttpStatusCode.OK, (await storefront.GetAsync($"/v1/users/{id}/recommendations")).StatusCode);
    }

    [Fact]
    public async Task Unknown_routes_and_methods_answer_problem_details()
    {
        await (await storefront.GetAsync("/v1/nothing-here")).AssertProblem(HttpStatusCode.NotFound);
        await (await storefront.DeleteAsync("/v1/events")).AssertProblem(HttpStatusCode.MethodNotAllowed);
    }

    [Theory]
    [InlineData("TRACE")]
    [InlineData("OPTIONS")]
    [InlineData("PATCH")]
    public async Task Methods_no_endpoint_serves_answer_405_problem_details(string method)
    {
        var response = await storefront.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/v1/items/popular"));
        await response.AssertProblem(HttpStatusCode.MethodNotAllowed);
        Assert.Contains("GET", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task HEAD_answers_405_with_the_problem_headers_and_no_body()
    {
        // A HEAD answer has no body (RFC 9110, 9.3.2); its headers are those the problem body would have had.
        var response = await storefront.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v1/items/popular"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("GET", response.Content.Headers.Allow);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }
}
