using OrleansReco.Gateway.Auth;
using OrleansReco.Gateway.Dashboard;
using OrleansReco.Gateway.Demo;
using OrleansReco.Gateway.Endpoints;
using OrleansReco.Gateway.Health;
using OrleansReco.Gateway.Metrics;
using OrleansReco.Gateway.RateLimiting;

namespace OrleansReco.Gateway;

public static class GatewayEndpoints
{
    /// <summary>
    /// Adds the gateway's middleware (errors, failure limit, auth, rate limits) and maps the v1 API, health and OpenAPI;
    /// in Development also the demo storefront.
    /// </summary>
    public static WebApplication MapRecoGateway(this WebApplication app)
    {
        app.UseExceptionHandler();
        // Turns body-less error answers (404 unknown route, 405 wrong method) into problem details too.
        app.UseStatusCodePages();
        if (app.Environment.IsDevelopment())
        {
            app.UseDemoStorefront();
        }
        // Before authentication, so an address that has spent its failures gets no answer about its next key.
        app.UseAuthFailureLimit();
        app.UseAuthentication();
        app.UseAuthorization();
        // After authorization, so only authorised requests spend a key's tokens.
        app.UseRateLimiter();

        var v1 = app.MapGroup("/v1").WithTags("v1");
        v1.MapEvents();
        v1.MapRecommendations();
        v1.MapItems();
        v1.MapPrivacy();
        v1.MapAdmin();

        app.MapRecoHealth();
        app.MapOpenApi().AllowAnonymous().DisableRateLimiting();
        if (RecoMetricsExtensions.Enabled(app.Configuration))
        {
            app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(RecoRoles.Admin);
        }
        if (RecoDashboard.Enabled(app.Configuration))
        {
            app.MapRecoDashboard(); // at /dashboard, admin key
        }
        return app;
    }
}
