using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Orleans.TestingHost;
using OrleansReco.Gateway;
using OrleansReco.Gateway.Privacy;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Testing;
using OrleansReco.Tools.Cli;
using Xunit;

namespace OrleansReco.BrowserTests;

/// <summary>
/// The shop a person meets after <c>./run.sh --demo</c>: two silos, the gateway in Development with the settings it
/// ships with (appsettings.Development.json, so the page's development keys are the ones the gateway accepts),
/// filled by the tools' demo command over HTTP, and a headless Chromium.
/// </summary>
public sealed class DemoShop : IAsyncLifetime
{
    /// <summary>A small synthetic shop: dense enough that every popular item has neighbours.</summary>
    public const int Shoppers = 60;

    private InProcessTestCluster _cluster = null!;
    private WebApplication _gateway = null!;
    private IPlaywright _playwright = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public IGrainFactory Grains => _cluster.Client;

    public async Task InitializeAsync()
    {
        var cluster = new InProcessTestClusterBuilder(2);
        cluster.ConfigureSilo((_, silo) => silo.AddRecoForTests());
        _cluster = cluster.Build();
        await _cluster.DeployAsync();

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Development",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<IGrainFactory>(_cluster.Client);
        builder.Services.AddRecoGateway(builder.Configuration);
        _gateway = builder.Build();
        _gateway.MapRecoGateway();
        await _gateway.StartAsync();
        BaseAddress = new Uri(_gateway.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());

        var output = new StringWriter();
        var exit = await ToolsApp.RunAsync(
            ["demo", "--gateway", BaseAddress.AbsoluteUri, "--users", $"{Shoppers}", "--items", "40", "--categories", "4"],
            new ToolsEnvironment(output, output), CancellationToken.None);
        Assert.True(exit == ExitCodes.Success, output.ToString());
        // Similar items and popularity follow the acknowledged events: wait until every item holds them.
        var pseudonyms = _gateway.Services.GetRequiredService<Pseudonymizer>();
        await Task.WhenAll(Enumerable.Range(0, Shoppers).Select(i =>
            Grains.GetGrain<IUserGrain>(pseudonyms.Pseudonymize($"user-{i:D4}")).WaitForDeliveries()));

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("RECO_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
        });
    }

    /// <summary>A new page (its own cookies and storage) of the given size, at the demo storefront, once it has loaded.</summary>
    public async Task<IPage> OpenAsync(int width, int height, string path = "/demo")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.AbsoluteUri,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            AcceptDownloads = true,
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.StopAsync();
            await _gateway.DisposeAsync();
        }
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class DemoShopCollection : ICollectionFixture<DemoShop>
{
    public const string Name = "demo shop";
}
