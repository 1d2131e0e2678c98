using System.IO.Compression;
using System.Net;
using OrleansReco.Tools.Cli;
using OrleansReco.Tools.Commands;
using OrleansReco.Tools.Gateway;
using OrleansReco.Tools.Import;
using OrleansReco.Tools.Synthetic;

namespace OrleansReco.ToolsTests;

/// <summary>The subcommands end to end: argument words in, requests recorded by a real HTTP server out.</summary>
public sealed class CommandTests : IAsyncLifetime
{
    private ScriptedGateway _gateway = null!;
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tools-test-");

    public async Task InitializeAsync() => _gateway = await ScriptedGateway.StartAsync();

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _directory.Delete(recursive: true);
    }

    private string Url => _gateway.BaseAddress.AbsoluteUri;

    private static Task<int> Run(params string[] args) =>
        ToolsApp.RunAsync(args, TestEnvironment.Create(), CancellationToken.None);

    [Fact]
    public async Task Demo_waits_for_readiness_then_loads_the_catalogue_and_every_event()
    {
        _gateway.NotReadyFor = 2;
        _gateway.TooManyRequestsFor = 1;

        var exit = await Run("demo", "--gateway", Url, "--users", "30", "--items", "40", "--seed", "7", "--storefront-key", "sf", "--catalog-key", "cat");

        Assert.Equal(ExitCodes.Success, exit);
        var expected = SyntheticStorefront.Generate(new SyntheticOptions { Users = 30, Items = 40, Seed = 7 });
        Assert.Equal(expected.Items.Select(i => i.ItemId).Order(), _gateway.Items.Keys.Order());
        Assert.All(_gateway.ItemApiKeys, k => Assert.Equal("cat", k));
        Assert.All(_gateway.EventApiKeys, k => Assert.Equal("sf", k));
        // The demo moves the period to end today; what each shopper did, and in which order, is the seed's.
        Assert.Equal(expected.Events.Count, _gateway.Events.Count);
        var sent = expected.Events.ToLookup(e => e.UserId, e => (e.ItemId, GatewayClient.WireName(e.Type)));
        var received = _gateway.Events.ToLookup(e => e.UserId, e => (e.ItemId, e.Type));
        Assert.All(sent, user => Assert.Equal(user, received[user.Key]));
        Assert.All(_gateway.Events, e => Assert.True(e.Timestamp <= DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Demo_fails_with_1_when_the_gateway_never_gets_ready()
    {
        _gateway.NotReadyFor = 10;

        Assert.Equal(ExitCodes.Failure, await Run("demo", "--gateway", Url, "--users", "5", "--items", "20", "--wait", "3"));
        Assert.Empty(_gateway.Items);
    }

    [Fact]
    public async Task Import_online_retail_upserts_each_product_once_and_posts_the_purchases()
    {
        var path = Path.Combine(_directory.FullName, "online_retail.csv.gz");
        await using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        await using (var writer = new StreamWriter(gzip))
        {
            await writer.WriteAsync(string.Join('\n', OnlineRetailTests.Lines(OnlineRetailTests.Excerpt)));
        }

        var exit = await Run("import", "--gateway", Url, "--online-retail", path);

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal(["22041", "71053", "82567", "84029G", "85123A"], _gateway.Items.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("AIRLINE LOUNGE,METAL SIGN", _gateway.Items["82567"].Title);
        Assert.Equal(3.39m, _gateway.Items["71053"].Price);
        Assert.Equal(
            ["17850/85123A", "17850/71053", "17850/84029G"],
            _gateway.Events.Where(e => e.UserId == "17850").Select(e => $"{e.UserId}/{e.ItemId}"));
        Assert.Equal(5, _gateway.Events.Count);
        Assert.All(_gateway.Events, e => Assert.Equal("purchase", e.Type));
    }

    [Fact]
    public async Task Import_limit_caps_events_and_the_catalogue()
    {
        var path = Path.Combine(_directory.FullName, "online_retail.csv");
        await File.WriteAllLinesAsync(path, OnlineRetailTests.Lines(OnlineRetailTests.Excerpt));

        Assert.Equal(ExitCodes.Success, await Run("import", "--gateway", Url, "--online-retail", path, "--limit", "2"));

        Assert.Equal(["71053", "85123A"], _gateway.Items.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2, _gateway.Events.Count);
    }

    [Fact]
    public async Task Synth_output_imports_back_as_the_same_events()
    {
        var options = new SyntheticOptions { Users = 25, Items = 30, Seed = 9 };
        var outDir = Path.Combine(_directory.FullName, "synth");

        Assert.Equal(ExitCodes.Success, await Run("synth", "--out", outDir, "--users", "25", "--items", "30", "--seed", "9"));
        Assert.Equal(ExitCodes.Success, await Run("import", "--gateway", Url, "--tsv", Path.Combine(outDir, "events.tsv"), "--batch-size", "17"));

        var expected = SyntheticStorefront.Generate(options);
        Assert.Equal(expected.Events, new TsvEventReader().ReadFile(Path.Combine(outDir, "events.tsv")));
        Assert.Equal(30, File.ReadAllLines(Path.Combine(outDir, "items.tsv")).Length);
        Assert.Equal(25, File.ReadAllLines(Path.Combine(outDir, "users.tsv")).Length);
        Assert.Equal(expected.Events.Count, _gateway.Events.Count);
        Assert.All(_gateway.BatchSizes, size => Assert.InRange(size, 1, 17));
        Assert.Empty(_gateway.Items); // a TSV carries no catalogue
    }

    [Fact]
    public async Task Import_fails_with_1_when_the_gateway_refuses_the_events()
    {
        var path = Path.Combine(_directory.FullName, "events.tsv");
        await File.WriteAllTextAsync(path, "u1\ti1\t5\t100\n");
        _gateway.EventsStatus = HttpStatusCode.BadRequest;

        Assert.Equal(ExitCodes.Failure, await Run("import", "--gateway", Url, "--tsv", path));
    }

    [Fact]
    public async Task Dry_run_sends_nothing()
    {
        var path = Path.Combine(_directory.FullName, "events.tsv");
        await File.WriteAllTextAsync(path, "u1\ti1\t5\t100\n");

        Assert.Equal(ExitCodes.Success, await Run("import", "--gateway", Url, "--tsv", path, "--dry-run"));
        Assert.Equal(0, _gateway.EventRequests);
    }

    [Fact]
    public void The_demo_example_is_the_shopper_with_most_purchases()
    {
        var data = SyntheticStorefront.Generate(new SyntheticOptions());
        var (user, item) = DemoCommand.Example(data);

        var purchases = data.Events.Where(e => e.Type == StorefrontEventType.Purchase).CountBy(e => e.UserId).ToDictionary();
        Assert.Equal(purchases.Values.Max(), purchases[user]);
        Assert.Contains(data.Events, e => e.UserId == user && e.ItemId == item);
    }
}
