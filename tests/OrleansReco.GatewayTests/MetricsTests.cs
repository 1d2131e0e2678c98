using System.Globalization;
using System.Net;
using Xunit;

namespace OrleansReco.GatewayTests;

/// <summary>
/// <c>GET /metrics</c>: Prometheus text of the product's meters (Orleans' and ASP.NET Core's beside them), for the
/// admin key only, and no user id, pseudonym or item id in any series.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class MetricsTests(GatewayFixture fixture)
{
    private readonly HttpClient admin = fixture.Gateway.CreateClient(GatewayHost.AdminKey);
    private readonly HttpClient storefront = fixture.Gateway.CreateClient(GatewayHost.StorefrontKey);

    [Fact]
    public async Task The_admin_key_reads_the_products_series_and_events_count_by_outcome()
    {
        var (user, item) = (Http.Unique("user"), Http.Unique("item"));
        var before = await Scrape();

        var batch = Http.Batch(Http.Event(user, item, eventId: "m-1"), Http.Event(user, item, "cart", eventId: "m-2"));
        Assert.Equal(HttpStatusCode.Accepted, (await storefront.PostEvents(batch)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await storefront.PostEvents(Http.Event(user, item, eventId: "m-1"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await storefront.GetAsync($"/v1/users/{user}/recommendations?mode=repeat")).StatusCode);
        await fixture.WaitForDeliveries([user]);
        var after = await Scrape();

        // At least: a test class with a cluster of its own may run beside this one, and the meters are per process.
        Assert.InRange(Value(after, "orleansreco_events_total", "outcome=\"recorded\"") - Value(before, "orleansreco_events_total", "outcome=\"recorded\""), 2, double.MaxValue);
        Assert.InRange(Value(after, "orleansreco_events_total", "outcome=\"duplicate\"") - Value(before, "orleansreco_events_total", "outcome=\"duplicate\""), 1, double.MaxValue);
        Assert.InRange(Value(after, "orleansreco_recommendations_total", "mode=\"repeat\"", "personalized=\"true\"")
            - Value(before, "orleansreco_recommendations_total", "mode=\"repeat\"", "personalized=\"true\""), 1, double.MaxValue);
        Assert.Contains(after, l => l.StartsWith("orleansreco_recommendations_items_total{", StringComparison.Ordinal) && l.Contains("reason=\"repeat\""));
        Assert.Contains(after, l => l.StartsWith("orleansreco_delivery_lag_seconds_count", StringComparison.Ordinal));
        // Buckets in seconds, not the exporter's default milliseconds.
        Assert.Contains(after, l => l.StartsWith("orleansreco_delivery_lag_seconds_bucket", StringComparison.Ordinal) && l.Contains("le=\"0.5\""));
        Assert.Contains(after, l => l.StartsWith("orleansreco_checkpoint_duration_seconds_count", StringComparison.Ordinal) && l.Contains("owner=\"item\""));
        // ASP.NET Core's and Orleans' series are checked in StartupSmokeTests, one product per process: here other
        // tests' gateways and silos share the process, and disposing one of them disposes meters of the same names,
        // which stops the series of this gateway too (open-telemetry/opentelemetry-dotnet#6412). The product's own
        // meters are static and never disposed.
    }

    [Fact]
    public async Task Refused_keys_and_throttled_addresses_are_counted()
    {
        var configuration = GatewayHost.DefaultConfiguration();
        configuration["Reco:RateLimits:AuthFailureLimit"] = "3";
        await using var limited = await GatewayHost.StartAsync(fixture.Grains, configuration);
        var before = await Scrape();

        for (var i = 0; i < 2; i++)
        {
            await (await limited.CreateClient("wrong-key-" + i).GetAsync("/v1/items/popular")).AssertProblem(HttpStatusCode.Unauthorized);
        }
        await (await limited.CreateClient(GatewayHost.CatalogKey).GetAsync("/v1/items/popular")).AssertProblem(HttpStatusCode.Forbidden);
        await (await limited.CreateClient(GatewayHost.StorefrontKey).GetAsync("/v1/items/popular")).AssertProblem(HttpStatusCode.TooManyRequests);
        var after = await Scrape();

        Assert.InRange(Value(after, "orleansreco_auth_failures_total", "status=\"401\"") - Value(before, "orleansreco_auth_failures_total", "status=\"401\""), 2, double.MaxValue);
        Assert.InRange(Value(after, "orleansreco_auth_failures_total", "status=\"403\"") - Value(before, "orleansreco_auth_failures_total", "status=\"403\""), 1, double.MaxValue);
        Assert.InRange(Value(after, "orleansreco_requests_throttled_total", "limit=\"auth_failures\"")
            - Value(before, "orleansreco_requests_throttled_total", "limit=\"auth_failures\""), 1, double.MaxValue);
    }

    [Fact]
    public async Task No_series_names_a_user_id_a_pseudonym_or_an_item_id()
    {
        var (user, item) = (Http.Unique("user"), Http.Unique("item"));
        Assert.Equal(HttpStatusCode.Accepted, (await storefront.PostEvents(Http.Event(user, item, "purchase"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await storefront.GetAsync($"/v1/users/{user}/recommendations")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await storefront.GetAsync($"/v1/items/{item}/similar")).StatusCode);
        await fixture.WaitForDeliveries([user]);

        var text = await (await admin.GetAsync("/metrics")).Content.ReadAsStringAsync();

        Assert.Contains("orleansreco_events_total", text);
        Assert.DoesNotContain(user, text);
        Assert.DoesNotContain(fixture.Gateway.Pseudonymizer.Pseudonymize(user), text);
        Assert.DoesNotContain(item, text);
    }

    [Fact]
    public async Task Metrics_turned_off_answer_404()
    {
        var configuration = GatewayHost.DefaultConfiguration();
        configuration["Reco:Metrics:Enabled"] = "false";
        await using var gateway = await GatewayHost.StartAsync(fixture.Grains, configuration);

        await (await gateway.CreateClient(GatewayHost.AdminKey).GetAsync("/metrics")).AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Other_keys_and_no_key_are_refused()
    {
        await (await storefront.GetAsync("/metrics")).AssertProblem(HttpStatusCode.Forbidden);
        await (await fixture.Gateway.CreateClient(GatewayHost.PrivacyKey).GetAsync("/metrics")).AssertProblem(HttpStatusCode.Forbidden);
        await (await fixture.Gateway.CreateClient(null).GetAsync("/metrics")).AssertProblem(HttpStatusCode.Unauthorized);
    }

    private async Task<string[]> Scrape()
    {
        var response = await admin.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadAsStringAsync()).Split('\n');
    }

    /// <summary>The value of the series <paramref name="name"/> with all the given labels; 0 when it is absent (nothing counted yet).</summary>
    private static double Value(string[] lines, string name, params string[] labels)
    {
        var line = lines.SingleOrDefault(l => l.StartsWith(name + "{", StringComparison.Ordinal) && labels.All(l.Contains));
        // "name{labels} value [timestamp]"
        return line is null ? 0 : double.Parse(line[(line.IndexOf('}') + 2)..].Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
