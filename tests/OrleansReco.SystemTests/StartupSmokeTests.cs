using System.Net;
using System.Net.Http.Json;
using OrleansReco.SystemTests.Infrastructure;
using OrleansReco.Testing;
using Xunit;

namespace OrleansReco.SystemTests;

/// <summary>
/// Starts the real Silo and Gateway programs as processes, so that a serializer, codec or configuration
/// regression between the separately built assemblies fails here rather than in production.
/// </summary>
public sealed class StartupSmokeTests : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly string _logs = Directory.CreateTempSubdirectory("orleansreco-smoke-").FullName;
    private readonly List<ManagedProcess> _processes = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private AzuriteServer _azurite = null!;

    public async Task InitializeAsync() => _azurite = await AzuriteServer.StartAsync();

    private ProductProcesses Product() =>
        new("smoke-" + Guid.NewGuid().ToString("N")[..8], _azurite.ConnectionString, _logs);

    [Fact]
    public async Task A_silo_and_a_separate_gateway_serve_events_and_recommendations_and_each_its_metrics()
    {
        var product = Product();
        var gatewayPort = FreePorts.Next();
        var httpPort = FreePorts.Next();
        var metricsPort = FreePorts.Next();
        var silo = Track(product.Silo("silo", FreePorts.Next(), gatewayPort, hostGateway: false,
            extra: new Dictionary<string, string> { ["Reco__Metrics__Port"] = metricsPort.ToString() }));
        var gateway = Track(product.Gateway("gateway", httpPort, new Dictionary<string, string>
        {
            ["Reco__Clustering__GatewayPort"] = gatewayPort.ToString(),
        }));
        silo.Start();
        gateway.Start();

        await ServesTheApi($"http://127.0.0.1:{httpPort}", () => !silo.IsRunning || !gateway.IsRunning);

        // The silo, which serves no API, answers /metrics on its management port, without a key, and nothing else.
        var siloMetrics = await _http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics");
        Assert.Contains("orleansreco_events_total{", siloMetrics);
        Assert.Contains("\norleans_", "\n" + siloMetrics.Replace("\r", ""));
        Assert.DoesNotContain("smoke-user", siloMetrics);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"http://127.0.0.1:{metricsPort}/v1/items")).StatusCode);
        // The gateway's, with the admin key, has what it served.
        using var scrape = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{httpPort}/metrics");
        scrape.Headers.Add("X-Api-Key", "admin-dev-key");
        var gatewayMetrics = await (await _http.SendAsync(scrape)).Content.ReadAsStringAsync();
        Assert.Contains("orleansreco_recommendations_total{", gatewayMetrics);
        Assert.Contains("http_route=\"/v1/users/{userId}/recommendations\"", gatewayMetrics);
        Assert.DoesNotContain("smoke-user", gatewayMetrics);
    }

    [Fact]
    public async Task The_one_process_default_serves_the_api_and_stops_cleanly_on_sigterm()
    {
        var product = Product();
        var httpPort = FreePorts.Next();
        var silo = Track(product.Silo("cohosted", FreePorts.Next(), FreePorts.Next(), hostGateway: true, httpPort));
        silo.Start();

        await ServesTheApi($"http://127.0.0.1:{httpPort}", () => !silo.IsRunning);

        Assert.Equal(0, await silo.StopGracefully(TimeSpan.FromSeconds(60)));
        await TheShopperIsStoredEncrypted();
    }

    /// <summary>
    /// The shopper's rows, found by pseudonym: a state row that does not hold the item in plain (the item's own rows
    /// do, they are catalogue aggregates) and a key row under the master key given through the environment.
    /// </summary>
    private async Task TheShopperIsStoredEncrypted()
    {
        var scanner = new TableScanner(_azurite.ConnectionString);
        var pseudonym = ClusterReader.Pseudonym("smoke-user");

        var rows = (await scanner.All()).Where(r => r.Entity.PartitionKey.Contains(pseudonym, StringComparison.Ordinal)).ToList();
        var occurrences = await scanner.Occurrences("smoke-item");

        Assert.Equal(["OrleansRecoKeys", "OrleansRecoState"], rows.Select(r => r.Table).Order());
        Assert.Equal(ProductProcesses.MasterKeyId, rows.Single(r => r.Table == "OrleansRecoKeys").Entity.GetString("MasterKeyId"));
        Assert.NotEmpty(occurrences);
        Assert.DoesNotContain(occurrences, o => o.Contains(pseudonym, StringComparison.Ordinal));
    }

    private async Task ServesTheApi(string baseUrl, Func<bool> exited)
    {
        await Readiness.HttpOk(_http, baseUrl + "/health/ready", StartTimeout, exited);

        using var post = new HttpRequestMessage(HttpMethod.Post, baseUrl + "/v1/events")
        {
            Content = JsonContent.Create(new[] { new { userId = "smoke-user", itemId = "smoke-item", type = "purchase" } }),
        };
        post.Headers.Add("X-Api-Key", "storefront-dev-key");
        Assert.Equal(HttpStatusCode.Accepted, (await _http.SendAsync(post)).StatusCode);

        using var get = new HttpRequestMessage(HttpMethod.Get, baseUrl + "/v1/users/smoke-user/recommendations?count=5");
        get.Headers.Add("X-Api-Key", "storefront-dev-key");
        var response = await _http.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<RecommendationsBody>();
        Assert.NotNull(body);
    }

    private ManagedProcess Track(ManagedProcess process)
    {
        _processes.Add(process);
        return process;
    }

    public Task DisposeAsync()
    {
        foreach (var process in _processes) process.Dispose();
        _http.Dispose();
        _azurite.Dispose();
        Directory.Delete(_logs, recursive: true);
        return Task.CompletedTask;
    }

    private sealed record RecommendationsBody(IReadOnlyList<object> Items, bool Personalized);
}
