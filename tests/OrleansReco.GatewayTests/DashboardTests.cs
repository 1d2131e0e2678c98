using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Orleans.TestingHost;
using OrleansReco.Gateway.Dashboard;
using OrleansReco.Testing;
using Xunit;

namespace OrleansReco.GatewayTests;

/// <summary>A one-silo cluster that runs the dashboard (the shared gateway cluster does not), and a gateway serving it.</summary>
public sealed class DashboardCluster : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public GatewayHost Gateway { get; private set; } = null!;

    public static Dictionary<string, string?> Configuration()
    {
        var configuration = GatewayHost.DefaultConfiguration();
        configuration["Reco:Dashboard:Enabled"] = "true";
        return configuration;
    }

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddRecoForTests().AddRecoDashboard());
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Gateway = await GatewayHost.StartAsync(Cluster.Client, Configuration());
    }

    public async Task DisposeAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}

/// <summary>
/// <c>/dashboard</c>: the Orleans dashboard for admin keys only, by X-Api-Key or (for a browser) as the password of
/// HTTP Basic authentication; its data endpoints likewise; its grain-state reader turned off; off, nothing there.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class DashboardTests(GatewayFixture fixture, DashboardCluster dashboard) : IClassFixture<DashboardCluster>
{
    /// <summary>The page, its script, and data endpoints the page polls; the grain-state reader and the log stream.</summary>
    public static TheoryData<string> Routes() => new()
    {
        "/dashboard",
        "/dashboard/",
        "/dashboard/index.min.js",
        "/dashboard/version",
        "/dashboard/DashboardCounters",
        "/dashboard/ClusterStats",
        "/dashboard/TopGrainMethods",
        "/dashboard/GrainStats/OrleansReco.Grains.Users.UserGrain",
        "/dashboard/Reminders",
        "/dashboard/GrainState?grainId=someone&grainType=OrleansReco.Grains.Users.UserGrain",
        "/dashboard/Trace",
    };

    private HttpClient Basic(string user, string password, GatewayHost? gateway = null)
    {
        var client = new HttpClient { BaseAddress = (gateway ?? dashboard.Gateway).BaseAddress };
        client.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return client;
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Without_a_key_every_route_is_401_with_a_Basic_challenge(string route)
    {
        var response = await dashboard.Gateway.CreateClient(apiKey: null).GetAsync(route);

        await response.AssertProblem(HttpStatusCode.Unauthorized);
        var basic = Assert.Single(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
        Assert.Equal($"realm=\"{RecoDashboard.Realm}\", charset=\"UTF-8\"", basic.Parameter);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_storefront_key_is_403_by_header_and_by_Basic(string route)
    {
        await (await dashboard.Gateway.CreateClient(GatewayHost.StorefrontKey).GetAsync(route)).AssertProblem(HttpStatusCode.Forbidden);
        await (await Basic("shop", GatewayHost.StorefrontKey).GetAsync(route)).AssertProblem(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("admin", "wrong-key")]
    [InlineData(GatewayHost.AdminKey, "")]
    [InlineData("", "")]
    public async Task Wrong_or_empty_Basic_credentials_are_401(string user, string password)
    {
        await (await Basic(user, password).GetAsync("/dashboard/")).AssertProblem(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("Basic not-base64!")]
    [InlineData("Basic bm8tY29sb24=")] // "no-colon"
    [InlineData("Bearer test-admin-api-key")]
    public async Task Malformed_or_other_Authorization_is_401(string authorization)
    {
        var client = new HttpClient { BaseAddress = dashboard.Gateway.BaseAddress };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);

        await (await client.GetAsync("/dashboard/")).AssertProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_admin_key_gets_the_page_by_header_and_by_Basic()
    {
        foreach (var client in new[] { dashboard.Gateway.CreateClient(GatewayHost.AdminKey), Basic("any-name", GatewayHost.AdminKey) })
        {
            var response = await client.GetAsync("/dashboard/");
            var page = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("<title>Orleans Dashboard</title>", page);
            // The page's own requests are relative, so they go under /dashboard/ with the browser's cached credentials.
            Assert.Contains("index.min.js", page);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/dashboard/index.min.js")).StatusCode);
        }
    }

    [Fact]
    public async Task The_bare_path_leads_the_admin_to_the_page()
    {
        // The library redirects /dashboard to /dashboard/ (relative asset paths need the slash); the client follows.
        var response = await dashboard.Gateway.CreateClient(GatewayHost.AdminKey).GetAsync("/dashboard");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/dashboard/", response.RequestMessage!.RequestUri!.AbsolutePath);
    }

    [Fact]
    public async Task The_admin_reads_the_clusters_counters_through_the_gateway()
    {
        var response = await Basic("admin", GatewayHost.AdminKey).GetAsync("/dashboard/DashboardCounters");
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        var counters = JsonDocument.Parse(body).RootElement;
        Assert.True(counters.TryGetProperty("totalActivationCount", out _), body);
        Assert.True(counters.TryGetProperty("hosts", out _), body);
    }

    [Fact]
    public async Task The_grain_state_reader_is_turned_off_for_the_admin_too()
    {
        var response = await dashboard.Gateway.CreateClient(GatewayHost.AdminKey)
            .GetAsync("/dashboard/GrainState?grainId=someone&grainType=OrleansReco.Grains.Users.UserGrain");

        await response.AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Basic_credentials_open_nothing_but_the_dashboard()
    {
        await (await Basic("admin", GatewayHost.AdminKey).GetAsync("/metrics")).AssertProblem(HttpStatusCode.Unauthorized);
        await (await Basic("admin", GatewayHost.AdminKey).GetAsync("/v1/items/popular")).AssertProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Failed_dashboard_credentials_spend_the_addresss_failure_budget()
    {
        var configuration = DashboardCluster.Configuration();
        configuration["Reco:RateLimits:AuthFailureLimit"] = "2";
        configuration["Reco:RateLimits:AuthFailureWindow"] = TimeSpan.FromHours(1).ToString();
        await using var limited = await GatewayHost.StartAsync(dashboard.Cluster.Client, configuration);

        await (await Basic("admin", "guess-1", limited).GetAsync("/dashboard/")).AssertProblem(HttpStatusCode.Unauthorized);
        await (await Basic("shop", GatewayHost.StorefrontKey, limited).GetAsync("/dashboard/")).AssertProblem(HttpStatusCode.Forbidden);

        await (await Basic("admin", GatewayHost.AdminKey, limited).GetAsync("/dashboard/")).AssertProblem(HttpStatusCode.TooManyRequests);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("false")]
    public async Task Switched_off_the_dashboard_is_not_there(string? enabled)
    {
        var configuration = GatewayHost.DefaultConfiguration();
        configuration["Reco:Dashboard:Enabled"] = enabled;
        await using var gateway = await GatewayHost.StartAsync(dashboard.Cluster.Client, configuration);
        var admin = gateway.CreateClient(GatewayHost.AdminKey);

        await (await admin.GetAsync("/dashboard/")).AssertProblem(HttpStatusCode.NotFound);
        await (await admin.GetAsync("/dashboard/DashboardCounters")).AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task On_the_gateway_but_not_on_the_silos_its_data_answers_503_at_once()
    {
        // The shared fixture's silos do not run the dashboard.
        await using var gateway = await GatewayHost.StartAsync(fixture.Grains, DashboardCluster.Configuration());
        var admin = gateway.CreateClient(GatewayHost.AdminKey);

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/dashboard/")).StatusCode);
        var problem = await (await admin.GetAsync("/dashboard/DashboardCounters")).AssertProblem(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("Reco:Dashboard:Enabled", problem.GetProperty("detail").GetString());
    }
}
