using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using OrleansReco.Grains.Interfaces.Logging;

namespace OrleansReco.Gateway.Tracing;

/// <summary>
/// Traces across the gateway and the grains (OpenTelemetry, exported over OTLP) when <c>Reco:Tracing:OtlpEndpoint</c> is
/// set: ASP.NET Core's request spans, and Orleans' spans of every grain call (<c>AddActivityPropagation</c> on the silos
/// and the gateway's client carries the trace context across), a sampled share of the requests.
/// </summary>
/// <remarks>
/// Spans leave without personal data: the request path (it holds the user id) is replaced by the route template, the
/// query, the client's address and user agent are dropped, and every other value passes the same redaction as the logs
/// (a user grain's id, a pseudonym).
/// </remarks>
public static class RecoTracing
{
    /// <summary>The collector's OTLP endpoint (<c>http://collector:4317</c> for gRPC); absent, nothing is traced.</summary>
    public static Uri? OtlpEndpoint(IConfiguration configuration) => configuration["Reco:Tracing:OtlpEndpoint"] switch
    {
        null or "" => null,
        var text when Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" => uri,
        var text => throw new InvalidOperationException($"Reco:Tracing:OtlpEndpoint must be an http or https URL, not '{text}'."),
    };

    public static bool Enabled(IConfiguration configuration) => OtlpEndpoint(configuration) is not null;

    /// <summary>
    /// <c>Reco:Tracing:SampleRatio</c> (default 0.01): the share of requests traced, kept whole across processes (a
    /// span follows its parent's decision). A busy shop's every request traced costs more than it tells.
    /// </summary>
    public static double SampleRatio(IConfiguration configuration) => configuration.GetValue("Reco:Tracing:SampleRatio", 0.01) switch
    {
        var ratio and >= 0 and <= 1 => ratio,
        var ratio => throw new InvalidOperationException($"Reco:Tracing:SampleRatio must be between 0 and 1, not {ratio}."),
    };

    /// <summary>
    /// The tracer of a process. Safe to call twice (a silo that also serves the API does): the second call adds
    /// nothing. <paramref name="configure"/> adds to the tracer (tests add an in-memory exporter).
    /// </summary>
    public static IServiceCollection AddRecoTracing(
        this IServiceCollection services, IConfiguration configuration, Action<TracerProviderBuilder>? configure = null)
    {
        if (services.Any(d => d.ServiceType == typeof(Marker)))
        {
            return services;
        }
        services.TryAddSingleton<Marker>();
        var endpoint = OtlpEndpoint(configuration)
            ?? throw new InvalidOperationException("Reco:Tracing:OtlpEndpoint is required for tracing.");
        var ratio = SampleRatio(configuration);
        services.AddOpenTelemetry().WithTracing(tracing =>
        {
            tracing
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio)))
                .AddSource(ActivitySources.ApplicationGrainActivitySourceName, ActivitySources.RuntimeActivitySourceName)
                .AddAspNetCoreInstrumentation()
                // First, so every exporter after it sees the spans redacted.
                .AddProcessor(new RedactingProcessor())
                .AddOtlpExporter(o => o.Endpoint = endpoint);
            configure?.Invoke(tracing);
        });
        return services;
    }

    private sealed class Marker;

    /// <summary>Takes personal data out of a span as it ends, before any exporter reads it.</summary>
    internal sealed class RedactingProcessor : BaseProcessor<Activity>
    {
        /// <summary>Dropped: the query and the client's address and agent tell about the shopper, not the system.</summary>
        private static readonly string[] Dropped = ["url.query", "client.address", "client.port", "user_agent.original", "network.peer.address", "network.peer.port"];

        public override void OnEnd(Activity activity)
        {
            // The path holds the user id (/v1/users/{userId}/...); the route template says the same without it.
            if (activity.GetTagItem("url.path") is not null)
            {
                activity.SetTag("url.path", activity.GetTagItem("http.route") as string);
            }
            foreach (var tag in Dropped)
            {
                activity.SetTag(tag, null);
            }
            foreach (var (key, value) in activity.TagObjects.ToList())
            {
                if (value is string text && GrainKeyRedaction.Redact(text) is var redacted && !ReferenceEquals(redacted, text))
                {
                    activity.SetTag(key, redacted);
                }
            }
            activity.DisplayName = GrainKeyRedaction.Redact(activity.DisplayName);
        }
    }
}
