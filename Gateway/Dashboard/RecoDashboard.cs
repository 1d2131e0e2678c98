using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using OrleansReco.Gateway.Auth;

namespace OrleansReco.Gateway.Dashboard;

/// <summary>
/// The Orleans dashboard (Microsoft.Orleans.Dashboard) at <c>/dashboard</c>, for admin keys only. Silos register its
/// grains and call statistics (<see cref="AddRecoDashboard"/>); the process that serves the API serves its pages and
/// data endpoints (<see cref="MapRecoDashboard"/>) through whatever grain factory the host gives it.
/// </summary>
public static class RecoDashboard
{
    public const string Path = "/dashboard";

    /// <summary>The authorization policy of the dashboard's routes: admin keys.</summary>
    public const string PolicyName = "dashboard";

    /// <summary>Their authentication scheme: the API-key handler, taking the key as a Basic password too.</summary>
    public const string SchemeName = "ApiKeyOrBasic";

    /// <summary>What a browser names when it asks for the credentials.</summary>
    public const string Realm = "OrleansReco dashboard";

    /// <summary>
    /// <c>Reco:Dashboard:Enabled</c> (default false; true in appsettings.Development.json). Every silo and the process
    /// serving the API must agree. Off by default because it costs on every grain call: a call filter on each silo,
    /// which times and counts every call while someone watches (and a minute after), and a listener that makes
    /// Orleans' own instruments record.
    /// </summary>
    public static bool Enabled(IConfiguration configuration) => configuration.GetValue("Reco:Dashboard:Enabled", false);

    /// <summary>The silo side: the dashboard's grains, its per-silo statistics and its grain call filter.</summary>
    public static ISiloBuilder AddRecoDashboard(this ISiloBuilder silo) => silo.AddDashboard();

    /// <summary>
    /// The serving side, for the gateway's host whatever gives it its grain factory (an Orleans client, a co-hosting
    /// silo, a test cluster's client). A co-hosting silo has registered it already (its registration includes the
    /// client's; <c>RecoSiloHost</c> configures Orleans before the gateway): registering it twice would hand every log
    /// line twice to the dashboard's log stream.
    /// </summary>
    internal static void AddServing(IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(IConfigureOptions<DashboardOptions>)))
        {
            return;
        }
        new ServicesClientBuilder(services, configuration).AddDashboard();
    }

    /// <summary>
    /// Maps the dashboard's pages and data endpoints under <see cref="Path"/>, every one behind
    /// <see cref="PolicyName"/> (admin keys), without its grain-state reader.
    /// </summary>
    internal static void MapRecoDashboard(this WebApplication app)
    {
        IEndpointConventionBuilder dashboard = app.MapOrleansDashboard(Path)
            .RequireAuthorization(PolicyName)
            // Not part of the product's API description.
            .ExcludeFromDescription()
            .AddEndpointFilter(AnswerSilosWithoutDashboard);
        dashboard.Add(TurnOffGrainState);
    }

    /// <summary>
    /// Every silo has the dashboard's grain classes (they come with the assembly), but only a silo that registered the
    /// dashboard can build them: elsewhere each data request fails at once activating its grain, an
    /// <see cref="InvalidOperationException"/>. Answered 503 naming the setting rather than a bare 500. The library
    /// answers an unreachable silo itself (503), and other failures pass on to the gateway's exception handler.
    /// </summary>
    private static async ValueTask<object?> AnswerSilosWithoutDashboard(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (InvalidOperationException exception)
        {
            // The type only, as everywhere in the gateway: Orleans' messages can name grains.
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RecoDashboard))
                .LogWarning("A dashboard grain could not be activated ({ExceptionType}); answering 503.", exception.GetType().Name);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Dashboard not running on the silos",
                detail: "The silos could not activate the dashboard's grains: set Reco:Dashboard:Enabled=true on every silo too.");
        }
    }

    /// <summary>
    /// The dashboard's grain-state reader (<c>/dashboard/GrainState?grainId=...&amp;grainType=...</c>) activates the
    /// grain it is given and calls every parameterless method of its interfaces that returns its state type. A user
    /// grain's key is a pseudonym and its state personal data: an admin needs no such door beside the privacy API
    /// (export, erasure), which records what it does. It answers 404 here, after authorization like the rest.
    /// </summary>
    private static void TurnOffGrainState(EndpointBuilder endpoint)
    {
        if (endpoint is RouteEndpointBuilder { RoutePattern: var pattern } && IsGrainState(pattern))
        {
            endpoint.FilterFactories.Add((_, _) => _ => ValueTask.FromResult<object?>(TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Not served",
                detail: "The dashboard's grain-state reader is turned off: grain state holds shoppers' personal data.")));
        }
    }

    private static bool IsGrainState(RoutePattern pattern) =>
        pattern.PathSegments.Count > 0
        && pattern.PathSegments[^1].Parts is [RoutePatternLiteralPart { Content: var last }]
        && string.Equals(last, "GrainState", StringComparison.OrdinalIgnoreCase);

    /// <summary>The library registers its serving side on a client builder; this is one over the gateway's services.</summary>
    private sealed class ServicesClientBuilder(IServiceCollection services, IConfiguration configuration) : IClientBuilder
    {
        public IServiceCollection Services { get; } = services;

        public IConfiguration Configuration { get; } = configuration;
    }
}
