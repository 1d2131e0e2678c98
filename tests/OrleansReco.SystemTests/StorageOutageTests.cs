using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using OrleansReco.SystemTests.Infrastructure;
using OrleansReco.Testing;
using Xunit;
using Xunit.Abstractions;

namespace OrleansReco.SystemTests;

/// <summary>
/// Redis, Azurite, two silo processes and a gateway. Storefront clients send events (with ids) and profiles while the
/// table service is killed and, later, started again over its data. Every answer is a 2xx or a 503 with Retry-After
/// and problem details, never a 500; readiness drops while storage is gone and comes back with it; every acknowledged
/// event is in its shopper's history afterwards.
/// </summary>
public sealed class StorageOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Clients = 4;
    private const int UsersPerClient = 3;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly string _logs = Directory.CreateTempSubdirectory("orleansreco-outage-").FullName;
    private readonly string _clusterId = "outage-" + Guid.NewGuid().ToString("N")[..8];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<ManagedProcess> _silos = [];
    private readonly ConcurrentQueue<Answer> _answers = new();
    private RedisServer _redis = null!;
    private AzuriteServer _azurite = null!;
    private ManagedProcess _gateway = null!;
    private ClusterReader _reader = null!;
    private string _baseUrl = "";

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.Start(_logs);
        _azurite = await AzuriteServer.StartAsync();
        var product = new ProductProcesses(_clusterId, _azurite.ConnectionString, _logs);
        // Membership in Redis: the outage is the table service's alone. (Redis clustering stays selectable by
        // configuration; this test is the one that runs it.)
        var redis = new Dictionary<string, string>
        {
            ["Reco__Clustering__Provider"] = "Redis",
            ["Reco__Clustering__RedisConnectionString"] = _redis.ConnectionString,
        };
        for (var i = 0; i < 2; i++)
        {
            _silos.Add(product.Silo($"silo-{i}", FreePorts.Next(), FreePorts.Next(), hostGateway: false, extra: redis));
            _silos[i].Start();
        }
        var httpPort = FreePorts.Next();
        _baseUrl = $"http://127.0.0.1:{httpPort}";
        _gateway = product.Gateway("gateway", httpPort, redis);
        _gateway.Start();

        await Readiness.HttpOk(_http, _baseUrl + "/health/ready", StartTimeout, () => !_gateway.IsRunning);
        _reader = await ClusterReader.ConnectRedis(_redis.ConnectionString, _clusterId);
        await Readiness.Until("two active silos", async () => (await _reader.ActiveSiloPorts()).Count == 2, StartTimeout);
    }

    [Fact]
    public async Task Stopping_the_table_service_answers_503_and_drops_readiness_until_it_returns()
    {
        await Drive("before", eventsPerClient: 10);

        await _azurite.StopAsync(TimeSpan.FromSeconds(30));
        await Readiness.Until("readiness to drop", async () => await ReadyStatus() == HttpStatusCode.ServiceUnavailable, StartTimeout);
        await Drive("during", eventsPerClient: 3);

        await _azurite.RestartAsync();
        await Readiness.Until("readiness to return", async () => await ReadyStatus() == HttpStatusCode.OK, StartTimeout);
        await Drive("after", eventsPerClient: 10);

        var answers = _answers.ToList();
        var missing = await AcknowledgedButMissing(answers);
        string[] report =
        [
            "Storage outage test (2 silo processes, the table service killed under traffic, then restarted):",
            .. new[] { "before", "during", "after" }.Select(phase =>
                $"  {phase}: " + string.Join(", ", answers.Where(a => a.Phase == phase).GroupBy(a => a.Status).OrderBy(g => g.Key)
                    .Select(g => $"{g.Count()} x {(g.Key == 0 ? "no answer" : ((int)g.Key).ToString())}"))),
            $"  acknowledged-but-missing events: {missing}",
        ];
        foreach (var line in report) output.WriteLine(line);
        TestReport.Write("storage-outage", report);

        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.Accepted or HttpStatusCode.NoContent or HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable,
            $"{a.Kind} answered {(int)a.Status} ({a.Phase} the outage)"));
        Assert.All(answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable), a =>
        {
            Assert.True(a.RetryAfter, "a 503 without Retry-After");
            Assert.True(a.Problem, "a 503 without problem details");
        });
        Assert.Contains(answers, a => a.Phase == "during" && a.Status == HttpStatusCode.ServiceUnavailable);
        Assert.Contains(answers, a => a.Phase == "after" && a.Status == HttpStatusCode.Accepted);
        Assert.Equal(0, missing);
    }

    private async Task<HttpStatusCode> ReadyStatus()
    {
        using var response = await _http.GetAsync(_baseUrl + "/health/ready");
        return response.StatusCode;
    }

    /// <summary>Each client owns its users and sends, per step, an event with an id and every fifth step a profile.</summary>
    private Task Drive(string phase, int eventsPerClient) => Task.WhenAll(Enumerable.Range(0, Clients).Select(async client =>
    {
        var random = new Random(client * 7919 + _answers.Count);
        for (var n = 0; n < eventsPerClient; n++)
        {
            var user = $"shopper-{client}-{random.Next(UsersPerClient)}";
            var item = $"item-{random.Next(20)}";
            var eventId = $"{phase}-{client}-{n}";
            _answers.Enqueue(await Send(phase, "event", user, item, HttpMethod.Post, "/v1/events", "storefront-dev-key",
                new { userId = user, itemId = item, type = "view", eventId }));
            if (n % 5 == 0)
            {
                _answers.Enqueue(await Send(phase, "profile", user, null, HttpMethod.Put, $"/v1/users/{user}/profile", "privacy-dev-key",
                    new { attributes = new Dictionary<string, string> { ["tier"] = $"t{n}" } }));
            }
        }
    }));

    private async Task<Answer> Send(string phase, string kind, string user, string? item, HttpMethod method, string path, string key, object body)
    {
        try
        {
            using var request = new HttpRequestMessage(method, _baseUrl + path) { Content = JsonContent.Create(body) };
            request.Headers.Add("X-Api-Key", key);
            using var response = await _http.SendAsync(request);
            return new Answer(phase, kind, user, item, response.StatusCode, response.Headers.RetryAfter is not null,
                response.Content.Headers.ContentType?.MediaType == "application/problem+json");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // No answer at all: also a failure of this test (status 0 is none of the accepted ones).
            return new Answer(phase, kind, user, item, 0, false, false);
        }
    }

    private async Task<int> AcknowledgedButMissing(IReadOnlyList<Answer> answers)
    {
        var missing = 0;
        foreach (var user in answers.Where(a => a.Kind == "event").GroupBy(a => a.User))
        {
            var history = await _reader.History(user.Key);
            missing += user.Where(a => a.Status == HttpStatusCode.Accepted).Count(a => !history.Contains(a.Item!));
        }
        return missing;
    }

    private sealed record Answer(string Phase, string Kind, string User, string? Item, HttpStatusCode Status, bool RetryAfter, bool Problem);

    public async Task DisposeAsync()
    {
        if (_reader is not null) await _reader.DisposeAsync();
        _gateway?.Dispose();
        foreach (var silo in _silos) silo.Dispose();
        _azurite?.Dispose();
        _redis?.Dispose();
        _http.Dispose();
        Directory.Delete(_logs, recursive: true);
    }
}
