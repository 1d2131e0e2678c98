using System.Net;
using Xunit;

namespace OrleansReco.GatewayTests;

/// <summary>
/// The demo storefront carries the development API keys, so only a Development gateway serves it; the browser tests
/// (OrleansReco.BrowserTests) use it as a person would.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class DemoPageTests(GatewayFixture fixture)
{
    [Fact]
    public async Task A_development_gateway_serves_the_page_under_a_content_security_policy()
    {
        await using var gateway = await GatewayHost.StartAsync(fixture.Grains, environment: "Development");
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = gateway.BaseAddress };

        var redirect = await client.GetAsync("/demo");
        Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
        Assert.Equal("/demo/", redirect.Headers.Location?.AbsolutePath);

        var page = await client.GetAsync("/demo/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<script src=\"demo.js\" defer></script>", await page.Content.ReadAsStringAsync());
        Assert.StartsWith("default-src 'self'", string.Join(";", page.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/demo/demo.js")).StatusCode);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task Outside_development_there_is_no_demo_page(string environment)
    {
        await using var gateway = await GatewayHost.StartAsync(fixture.Grains, environment: environment);
        var client = gateway.CreateClient(null);

        await (await client.GetAsync("/demo/")).AssertProblem(HttpStatusCode.NotFound);
        await (await client.GetAsync("/demo/demo.js")).AssertProblem(HttpStatusCode.NotFound);
    }
}
