using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansReco.Gateway.Auth;
using OrleansReco.Gateway.Dashboard;
using OrleansReco.Gateway.Endpoints;
using OrleansReco.Gateway.Errors;
using OrleansReco.Gateway.Health;
using OrleansReco.Gateway.Metrics;
using OrleansReco.Gateway.OpenApi;
using OrleansReco.Gateway.Privacy;
using OrleansReco.Gateway.RateLimiting;
using OrleansReco.Gateway.Tracing;
using OrleansReco.Grains.Interfaces.Logging;

namespace OrleansReco.Gateway;

public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Everything the gateway endpoints need except the Orleans client: the host provides <see cref="IGrainFactory"/>
    /// (a client via UseOrleansClient, a silo, or a test cluster's client). Configuration is validated when the
    /// host starts: missing API keys or pepper refuse start-up.
    /// </summary>
    public static IServiceCollection AddRecoGateway(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<ApiKeyOptions>().Configure(o => ApiKeyOptions.Load(configuration, o)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiKeyOptions>, ApiKeyOptionsValidator>());
        services.AddOptions<PrivacyOptions>().Bind(configuration.GetSection(PrivacyOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PrivacyOptions>, PrivacyOptionsValidator>());
        services.AddOptions<RateLimitOptions>()
            .Bind(configuration.GetSection(RateLimitOptions.SectionName))
            .Validate(o => o.TokenLimit > 0 && o.TokensPerPeriod > 0 && o.ReplenishmentPeriod > TimeSpan.Zero,
                $"{RateLimitOptions.SectionName}: TokenLimit, TokensPerPeriod and ReplenishmentPeriod must be positive.")
            .Validate(o => o.AuthFailureLimit > 0 && o.AuthFailureWindow > TimeSpan.Zero,
                $"{RateLimitOptions.SectionName}: AuthFailureLimit and AuthFailureWindow must be positive.")
            .ValidateOnStart();

        services.AddOptions<StorefrontOptions>()
            .Bind(configuration.GetSection(StorefrontOptions.SectionName))
            .Validate(o => o.RequestTimeout > TimeSpan.Zero, $"{StorefrontOptions.SectionName}:RequestTimeout must be positive.")
            .ValidateOnStart();

        services.TryAddSingleton<ApiKeyStore>();
        services.TryAddSingleton<AuthFailureLimiter>();
        services.TryAddSingleton(sp => new Pseudonymizer(Pepper(sp)));
        services.TryAddSingleton(sp => new ErasureReceiptHasher(Pepper(sp)));
        services.TryAddSingleton(TimeProvider.System);

        services.AddProblemDetails();
        services.AddExceptionHandler<ClusterUnavailableExceptionHandler>();

        // No default scheme: every gateway policy names its scheme, so a co-hosting silo keeps its own defaults.
        var authentication = services.AddAuthentication()
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(options =>
        {
            foreach (var role in RecoRoles.All)
            {
                options.AddPolicy(role, policy => policy
                    .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                    .RequireAuthenticatedUser()
                    .RequireRole(role, RecoRoles.Admin));
            }
        });

        if (RecoDashboard.Enabled(configuration))
        {
            // At /dashboard, admin keys only; a browser sends the key as a Basic password, which only these routes take.
            authentication.AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(
                RecoDashboard.SchemeName, o => o.BasicRealm = RecoDashboard.Realm);
            services.AddAuthorization(options => options.AddPolicy(RecoDashboard.PolicyName, policy => policy
                .AddAuthenticationSchemes(RecoDashboard.SchemeName)
                .RequireAuthenticatedUser()
                .RequireRole(RecoRoles.Admin)));
            RecoDashboard.AddServing(services, configuration);
        }

        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>()
            .Configure<IOptions<RateLimitOptions>>((options, limits) => ApiKeyRateLimiting.Configure(options, limits.Value));

        if (RecoMetricsExtensions.Enabled(configuration))
        {
            services.AddRecoMetrics(); // at /metrics, admin key
        }

        if (RecoTracing.Enabled(configuration))
        {
            services.AddRecoTracing(configuration);
        }

        services.AddHealthChecks().AddCheck<ClusterReadinessCheck>("cluster", tags: [HealthEndpoints.ReadyTag]);
        services.AddOpenApi(options => options.AddDocumentTransformer<ApiKeySecurityTransformer>());

        // Request paths carry user ids (/v1/users/{userId}/...). The hosting diagnostics log every path at
        // Information, and Kestrel's bad-request log can quote the request target, so both are held to warnings.
        services.AddLogging(logging => logging
            .AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning)
            .AddFilter("Microsoft.AspNetCore.Server.Kestrel.BadRequests", LogLevel.Warning));
        // The Orleans client names the user grain (its key a pseudonym) when a call times out or is rejected.
        services.AddGrainKeyRedaction();
        return services;
    }

    private static byte[] Pepper(IServiceProvider services) =>
        PrivacyOptions.DecodePepper(services.GetRequiredService<IOptions<PrivacyOptions>>().Value.Pepper)
        ?? throw new InvalidOperationException($"{PrivacyOptions.SectionName}:Pepper is not configured.");
}
