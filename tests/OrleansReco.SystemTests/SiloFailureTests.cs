using System.Net;
using System.Net.Http.Json;
using OrleansReco.SystemTests.Infrastructure;
using OrleansReco.Testing;
using Xunit;
using Xunit.Abstractions;

namespace OrleansReco.SystemTests;

/// <summary>
/// Azurite (state and cluster membership), three silo processes and a gateway. Concurrent storefront clients send events; one silo is
/// killed with SIGKILL mid-way and restarted later. Every acknowledged event must be in the users' histories, and
/// every item's counts must equal a recount over those histories once the users' deliveries are done: whatever the
/// killed silo's items had taken and not yet written is delivered again, and nothing is applied twice.
/// </summary>
public sealed class SiloFailureTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Clients = 6;
    private const int UsersPerClient = 8;
    private const int Items = 30;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(100);
    private const int MaxAttemptsPerEvent = 300; // at least 30 s of retries: far past any failover this test allows

    private readonly string _logs = Directory.CreateTempSubdirectory("orleansreco-failure-").FullName;
    private readonly string _clusterId = "failure-" + Guid.NewGuid().ToString("N")[..8];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };
    private readonly List<ManagedProcess> _silos = [];
    private readonly List<int> _siloPorts = [];
    private AzuriteServer _azurite = null!;
    private ManagedProcess _gateway = null!;
    private ClusterReader _reader = null!;
    private string _baseUrl = "";

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteServer.StartAsync();
        var product = new ProductProcesses(_clusterId, _azurite.ConnectionString, _logs);
        // The default for several silos: membership in a table of the storage account that holds the state.
        var clustering = new Dictionary<string, string> { ["Reco__Clustering__Provider"] = "AzureTable" };
        for (var i = 0; i < 3; i++)
        {
            var siloPort = FreePorts.Next();
            _siloPorts.Add(siloPort);
            _silos.Add(product.Silo($"silo-{i}", siloPort, FreePorts.Next(), hostGateway: false, extra: clustering));
            _silos[i].Start();
        }
        var httpPort = FreePorts.Next();
        _baseUrl = $"http://127.0.0.1:{httpPort}";
        _gateway = product.Gateway("gateway", httpPort, clustering);
        _gateway.Start();

        await Readiness.HttpOk(_http, _baseUrl + "/health/ready", StartTimeout, () => !_gateway.IsRunning);
        _reader = await ClusterReader.ConnectAzureTable(_azurite.ConnectionString, _clusterId);
        await Readiness.Until("three active silos", async () => (await _reader.ActiveSiloPorts()).Count == 3, StartTimeout);
    }

    [Fact]
    public async Task Killing_a_silo_mid_traffic_loses_no_acknowledged_event()
    {
        var log = new TrafficLog();

        await Drive(log, eventsPerClient: 40);
        // Killed while requests are in flight, some of them inside the silo or on a gateway connection to it.
        var traffic = Drive(log, eventsPerClient: 70);
        await log.WhenAcknowledged(log.Acknowledged + Clients * 10);
        var killedAt = DateTime.UtcNow;
        _silos[1].Kill();
        // Restarted before the cluster declared it dead, the silo's old and new incarnations would share its port below.
        var declaredDead = Task.Run(async () =>
        {
            await Readiness.Until(
                "the killed silo to be declared dead",
                async () => !(await _reader.ActiveSiloPorts()).Contains(_siloPorts[1]),
                StartTimeout);
            return DateTime.UtcNow - killedAt;
        });
        await traffic;
        var whileDown = log.Snapshot().Count(a => a.Outcome == Outcome.Acknowledged && a.Started >= killedAt);
        var detection = await declaredDead;
        _silos[1].Start();
        await Readiness.Until(
            "the restarted silo to rejoin",
            async () => (await _reader.ActiveSiloPorts()).Contains(_siloPorts[1]) && (await _reader.ActiveSiloPorts()).Count == 3,
            StartTimeout);
        await Drive(log, eventsPerClient: 20);

        var attempts = log.Snapshot();
        var missing = await AcknowledgedButMissing(attempts);
        var (above, below) = await CountsThatDifferFromARecount();
        var outage = log.LongestOutage(since: killedAt); // a slow first request of a new cluster is not a failover
        string[] report =
        [
            "Silo failure test (3 silo processes, SIGKILL of one mid-traffic, then restart):",
            $"  events sent: {attempts.Count}, acknowledged: {log.Acknowledged}, in doubt: {attempts.Count - log.Acknowledged}",
            $"  acknowledged while a silo was down: {whileDown}",
            $"  killed silo declared dead after: {detection.TotalSeconds:F1} s",
            $"  longest outage seen by one shopper: {outage.Length.TotalSeconds:F1} s ({TrafficLog.Describe(outage.Attempts)})",
            $"  last unacknowledged event answered {LastRefusalAfter(attempts, killedAt).TotalSeconds:F1} s after the kill",
            $"  acknowledged-but-missing events: {missing}",
            $"  item counts above a recount (applied twice): {above}, below it (lost): {below}",
        ];
        foreach (var line in report) output.WriteLine(line);
        TestReport.Write("silo-failure", report);

        Assert.True(whileDown > 0, "no event was acknowledged after the silo was killed");
        Assert.Equal(0, missing);
        Assert.Equal((0, 0), (above, below));
    }

    /// <summary>
    /// Each client owns its users, so a user's events are sent in order; items come from a few baskets. An event that
    /// is not acknowledged is sent again, as a storefront would, until it is: the outage a shopper sees is then measured
    /// by their own retries. Moving on to the client's other shoppers instead would count the time spent on them as
    /// this shopper's outage (seconds, once requests slow down after a failover).
    /// </summary>
    private async Task Drive(TrafficLog log, int eventsPerClient)
    {
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async client =>
        {
            var random = new Random(client * 7919 + log.Snapshot().Count);
            for (var n = 0; n < eventsPerClient; n++)
            {
                var user = $"shopper-{client}-{random.Next(UsersPerClient)}";
                var basket = (client + random.Next(2)) % 5;
                var item = $"item-{(basket * 6 + random.Next(6)) % Items}";
                for (var attempt = 0; attempt < MaxAttemptsPerEvent; attempt++)
                {
                    var sent = await Send(user, item);
                    log.Add(sent);
                    if (sent.Outcome == Outcome.Acknowledged) break;
                    // Pacing, not synchronisation: a quick refusal is retried ten times a second, not in a tight loop.
                    await Task.Delay(RetryPause);
                }
            }
        }));
    }

    private async Task<EventAttempt> Send(string user, string item)
    {
        var started = DateTime.UtcNow;
        var outcome = Outcome.InDoubt;
        var status = 0;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _baseUrl + "/v1/events")
            {
                Content = JsonContent.Create(new { userId = user, itemId = item, type = "view" }),
            };
            request.Headers.Add("X-Api-Key", "storefront-dev-key");
            using var response = await _http.SendAsync(request);
            status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode) outcome = Outcome.Acknowledged;
            // An outage answers 503 (retry); anything else for a valid event is a bug, a 500 included.
            else if (response.StatusCode != HttpStatusCode.ServiceUnavailable) throw new InvalidOperationException($"The gateway answered a valid event {response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // No answer: the event may or may not have been recorded.
        }
        return new EventAttempt(user, item, outcome, started, DateTime.UtcNow, status);
    }

    /// <summary>When the cluster-wide outage ended: the last answer (or giving up) of an attempt that was not acknowledged.</summary>
    private static TimeSpan LastRefusalAfter(IReadOnlyList<EventAttempt> attempts, DateTime killedAt) =>
        attempts.Where(a => a.Outcome != Outcome.Acknowledged && a.Ended >= killedAt).Select(a => a.Ended - killedAt)
            .DefaultIfEmpty(TimeSpan.Zero).Max();

    private async Task<int> AcknowledgedButMissing(IReadOnlyList<EventAttempt> attempts)
    {
        var missing = 0;
        foreach (var user in attempts.GroupBy(a => a.UserId))
        {
            var history = await _reader.History(user.Key);
            var acknowledged = user.Where(a => a.Outcome == Outcome.Acknowledged).Select(a => a.ItemId).ToHashSet();
            missing += acknowledged.Count(item => !history.Contains(item));
            var sent = user.Select(a => a.ItemId).ToHashSet();
            Assert.True(history.IsSubsetOf(sent), "a history holds an item its user never sent");
        }
        return missing;
    }

    /// <summary>Occurrence and co-occurrence of every item against a recount over all current histories.</summary>
    private async Task<(int Above, int Below)> CountsThatDifferFromARecount()
    {
        var users = Enumerable.Range(0, Clients).SelectMany(c => Enumerable.Range(0, UsersPerClient).Select(u => $"shopper-{c}-{u}"));
        var histories = new List<HashSet<string>>();
        foreach (var user in users)
        {
            // A change the killed silo's items took but had not written is delivered again; a user grain that was on it
            // finishes its outbox when this activates it.
            await _reader.WaitForDeliveries(user);
            histories.Add(await _reader.History(user));
        }

        var (above, below) = (0, 0);
        void Compare(int actual, int expected)
        {
            if (actual > expected) above++;
            if (actual < expected) below++;
        }
        for (var i = 0; i < Items; i++)
        {
            var item = $"item-{i}";
            var counts = await _reader.Counts(item);
            Compare(counts.Occurrence, histories.Count(h => h.Contains(item)));
            for (var j = 0; j < Items; j++)
            {
                var other = $"item-{j}";
                if (other == item) continue;
                Compare(counts.CoOccurrence.GetValueOrDefault(other), histories.Count(h => h.Contains(item) && h.Contains(other)));
            }
        }
        return (above, below);
    }

    public async Task DisposeAsync()
    {
        if (_reader is not null) await _reader.DisposeAsync();
        _gateway?.Dispose();
        foreach (var silo in _silos) silo.Dispose();
        _azurite?.Dispose();
        _http.Dispose();
        Directory.Delete(_logs, recursive: true);
    }
}
