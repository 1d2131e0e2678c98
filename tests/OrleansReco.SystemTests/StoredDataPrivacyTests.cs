using System.Net;
using System.Net.Http.Json;
using OrleansReco.SystemTests.Infrastructure;
using OrleansReco.Testing;
using Xunit;

namespace OrleansReco.SystemTests;

/// <summary>
/// The product as it runs locally (one silo process on Azurite), audited through the Table API: a profile marker
/// and the raw user id never reach storage, and after erasure nothing of the user's state or key remains.
/// </summary>
public sealed class StoredDataPrivacyTests : IAsyncLifetime
{
    private const string UserId = "jane.doe@example.com";
    private const string Marker = "MARKER-7f3c9a-never-in-storage";
    private readonly string _logs = Directory.CreateTempSubdirectory("orleansreco-privacy-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };
    private AzuriteServer _azurite = null!;
    private ManagedProcess _silo = null!;
    private string _baseUrl = "";

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteServer.StartAsync();
        var product = new ProductProcesses("privacy-" + Guid.NewGuid().ToString("N")[..8], _azurite.ConnectionString, _logs);
        var httpPort = FreePorts.Next();
        _baseUrl = $"http://127.0.0.1:{httpPort}";
        _silo = product.Silo("silo", FreePorts.Next(), FreePorts.Next(), hostGateway: true, httpPort);
        _silo.Start();
        await Readiness.HttpOk(_http, _baseUrl + "/health/ready", TimeSpan.FromSeconds(90), () => !_silo.IsRunning);
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
        var scanner = new TableScanner(_azurite.ConnectionString);

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

    private async Task Send(HttpMethod method, string path, string key, object? body)
    {
        var response = await Request(method, path, key, body);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode}");
    }

    private async Task<HttpResponseMessage> Request(HttpMethod method, string path, string key, object? body)
    {
        using var request = new HttpRequestMessage(method, _baseUrl + path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", key);
        return await _http.SendAsync(request);
    }

    public Task DisposeAsync()
    {
        _silo?.Dispose();
        _azurite?.Dispose();
        _http.Dispose();
        Directory.Delete(_logs, recursive: true);
        return Task.CompletedTask;
    }
}
