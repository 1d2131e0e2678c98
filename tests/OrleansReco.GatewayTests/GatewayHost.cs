using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansReco.Gateway;
using OrleansReco.Gateway.Privacy;

namespace OrleansReco.GatewayTests;

/// <summary>A gateway on real Kestrel (127.0.0.1, free port) in front of whatever grain factory the test gives it.</summary>
public sealed class GatewayHost : IAsyncDisposable
{
    public const string StorefrontKey = "test-storefront-key";
    public const string CatalogKey = "test-catalog-key";
    public const string PrivacyKey = "test-privacy-key";
    public const string AdminKey = "test-admin-api-key";
    public const string Pepper = "gateway-tests-pepper-0123456789";

    private readonly WebApplication app;

    private GatewayHost(WebApplication app, Uri baseAddress)
    {
        this.app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => app.Services;

    public Pseudonymizer Pseudonymizer => app.Services.GetRequiredService<Pseudonymizer>();

    public static Dictionary<string, string?> DefaultConfiguration() => new()
    {
        ["Reco:ApiKeys:0:Key"] = StorefrontKey,
        ["Reco:ApiKeys:0:Role"] = "storefront",
        ["Reco:ApiKeys:1:Key"] = CatalogKey,
        ["Reco:ApiKeys:1:Role"] = "catalog",
        ["Reco:ApiKeys:2:Key"] = PrivacyKey,
        ["Reco:ApiKeys:2:Role"] = "privacy",
        ["Reco:ApiKeys:3:Key"] = AdminKey,
        ["Reco:ApiKeys:3:Role"] = "Admin",
        ["Reco:Privacy:Pepper"] = Pepper,
        // Every test calls from 127.0.0.1, and many answers here are deliberate 401s and 403s: the shared gateway
        // must not throttle the suite. AuthFailureLimitTests start gateways with small budgets.
        ["Reco:RateLimits:AuthFailureLimit"] = "1000000",
    };

    /// <summary>Builds the gateway app; start-up (and so configuration validation) happens in <see cref="StartAsync"/>.</summary>
    /// <param name="services">Registers before the gateway's own services (a test's tracer, say).</param>
    public static WebApplication Build(
        IGrainFactory grains, IDictionary<string, string?> configuration, string environment = "Testing", Action<IServiceCollection, IConfiguration>? services = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Only what the test says: no appsettings files, environment variables or user secrets.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(grains);
        services?.Invoke(builder.Services, builder.Configuration);
        builder.Services.AddRecoGateway(builder.Configuration);
        var app = builder.Build();
        app.MapRecoGateway();
        return app;
    }

    public static async Task<GatewayHost> StartAsync(
        IGrainFactory grains, IDictionary<string, string?>? configuration = null, string environment = "Testing", Action<IServiceCollection, IConfiguration>? services = null)
    {
        var app = Build(grains, configuration ?? DefaultConfiguration(), environment, services);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new GatewayHost(app, new Uri(address));
    }

    public HttpClient CreateClient(string? apiKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
