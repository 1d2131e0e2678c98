using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansReco.SystemTests.Infrastructure;
using OrleansReco.Testing;
using Xunit;

namespace OrleansReco.SystemTests;

/// <summary>
/// The product as it runs locally (one silo process on Azurite), audited through the Table API: a profile marker
/// and the raw user id never reach storage, and after erasure nothing of the user's state or key remains.
/// </summary>
public sealed class StoredDataPrivacyTests(StoredDataPrivacyTests.Product product) : IClassFixture<StoredDataPrivacyTests.Product>
{
    private const string UserId = "jane.doe@example.com";
    private const string Marker = "MARKER-7f3c9a-never-in-storage";

    /// <summary>One Azurite and one silo process for the class; tests keep apart by their user ids.</summary>
    public sealed class Product : IAsyncLifetime
    {
        private readonly string _logs = Directory.CreateTempSubdirectory("orleansreco-privacy-").FullName;
        private ManagedProcess _silo = null!;

        public AzuriteServer Azurite { get; private set; } = null!;

        public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(20) };

        public string BaseUrl { get; private set; } = "";

        public async Task InitializeAsync()
        {
            Azurite = await AzuriteServer.StartAsync();
            var processes = new ProductProcesses("privacy-" + Guid.NewGuid().ToString("N")[..8], Azurite.ConnectionString, _logs);
            var httpPort = FreePorts.Next();
            BaseUrl = $"http://127.0.0.1:{httpPort}";
            _silo = processes.Silo("silo", FreePorts.Next(), FreePorts.Next(), hostGateway: true, httpPort);
            _silo.Start();
            await Readiness.HttpOk(Http, BaseUrl + "/health/ready", TimeSpan.FromSeconds(90), () => !_silo.IsRunning);
        }

        public Task DisposeAsync()
        {
            _silo?.Dispose();
            Azurite?.Dispose();
            Http.Dispose();
            Directory.Delete(_logs, recursive: true);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Neither_the_marker_nor_the_raw_id_is_ever_stored_and_erasure_leaves_no_row_of_the_user()
    {
        var pseudonym = ClusterReader.Pseudonym(UserId);
        await Send(HttpMethod.Put, $"/v1/users/{Uri.EscapeDataString(UserId)}/profile", "privacy-dev-key",
            new { attributes = new Dictionary<string, string> { ["note"] = Marker } });
        await Send(HttpMethod.Post, "/v1/events", "storefront-dev-key", new[]
        {
            new { userId = UserId, itemId = "scan-a", type = "purchase" },
            new { userId = UserId, itemId = "scan-b", type = "view" },
        });
        var scanner = new TableScanner(product.Azurite.ConnectionString);

        Assert.Empty(await scanner.Occurrences(Marker));
        Assert.Empty(await scanner.Occurrences(UserId));
        // The user's rows exist (the scan sees them) and hold no item id of the history in the clear.
        Assert.NotEmpty(await scanner.Occurrences(pseudonym));
        Assert.DoesNotContain(await scanner.Occurrences("scan-a"), where => where.Contains(pseudonym, StringComparison.Ordinal));

        var erasure = await Request(HttpMethod.Delete, $"/v1/users/{Uri.EscapeDataString(UserId)}", "privacy-dev-key", body: null);
        Assert.Equal(HttpStatusCode.OK, erasure.StatusCode);
        var receiptPath = erasure.Headers.Location!.OriginalString;

        Assert.Empty(await scanner.Occurrences(Marker));
        Assert.Empty(await scanner.Occurrences(UserId));
        Assert.Empty(await scanner.Occurrences(pseudonym));
        var export = await Request(HttpMethod.Get, $"/v1/users/{Uri.EscapeDataString(UserId)}/export", "privacy-dev-key", body: null);
        Assert.Equal(HttpStatusCode.NotFound, export.StatusCode);
        // The receipt is the operator's: readable with the admin key, refused to the storefront.
        Assert.Equal(HttpStatusCode.OK, (await Request(HttpMethod.Get, receiptPath, "admin-dev-key", body: null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Request(HttpMethod.Get, receiptPath, "storefront-dev-key", body: null)).StatusCode);
    }

    public static TheoryData<string> Ids() => new(HostileIds.All);

    /// <summary>
    /// Right to erasure for every id the API accepts: through its percent-encoding in the path, an id's export and
    /// erasure reach its own rows, all of them go, and the shoppers one encoding away keep theirs.
    /// </summary>
    [Theory]
    [MemberData(nameof(Ids))]
    public async Task A_hostile_id_is_exported_and_erased_through_its_encoding_and_leaves_no_row(string id)
    {
        var path = HostileIds.Encode(id);
        var neighbours = HostileIds.Neighbours(id);
        foreach (var user in neighbours.Prepend(id))
        {
            await Send(HttpMethod.Post, "/v1/events", "storefront-dev-key", new { userId = user, itemId = "hostile-scan", type = "purchase" });
        }
        var scanner = new TableScanner(product.Azurite.ConnectionString);
        Assert.NotEmpty(await scanner.Occurrences(ClusterReader.Pseudonym(id)));

        var export = await Request(HttpMethod.Get, $"/v1/users/{path}/export", "privacy-dev-key", body: null);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal(id, (await export.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("userId").GetString());
        await Send(HttpMethod.Delete, $"/v1/users/{path}", "privacy-dev-key", body: null);

        Assert.Empty(await scanner.Occurrences(ClusterReader.Pseudonym(id)));
        Assert.Equal(HttpStatusCode.NotFound, (await Request(HttpMethod.Get, $"/v1/users/{path}/export", "privacy-dev-key", body: null)).StatusCode);
        foreach (var neighbour in neighbours)
        {
            var pseudonym = ClusterReader.Pseudonym(neighbour);
            Assert.NotEmpty(await scanner.Occurrences(pseudonym));
            await Send(HttpMethod.Delete, $"/v1/users/{HostileIds.Encode(neighbour)}", "privacy-dev-key", body: null);
            Assert.Empty(await scanner.Occurrences(pseudonym));
        }
    }

    private async Task Send(HttpMethod method, string path, string key, object? body)
    {
        var response = await Request(method, path, key, body);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode}");
    }

    private async Task<HttpResponseMessage> Request(HttpMethod method, string path, string key, object? body)
    {
        using var request = new HttpRequestMessage(method, product.BaseUrl + path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", key);
        return await product.Http.SendAsync(request);
    }
}
