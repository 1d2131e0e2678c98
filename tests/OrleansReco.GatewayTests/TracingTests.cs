using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Orleans.TestingHost;
using OrleansReco.Gateway.Tracing;
using OrleansReco.Grains.Interfaces.Logging;
using OrleansReco.Testing;
using Xunit;

namespace OrleansReco.GatewayTests;

/// <summary>
/// Traces with <c>Reco:Tracing:OtlpEndpoint</c> set: one trace from the gateway's request through the grain calls on
/// the silos, and no user id or pseudonym in any span. The spans are read from an exporter beside the product's.
/// </summary>
public sealed class TracingTests : IAsyncLifetime
{
    private readonly List<Activity> exported = [];
    private readonly TaskCompletionSource requestEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ActivityTraceId traceId = ActivityTraceId.CreateRandom();
    private InProcessTestCluster cluster = null!;
    private GatewayHost gateway = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        // As the silo host and the gateway host do when tracing is on.
        builder.ConfigureSilo((_, silo) => silo.AddRecoForTests().AddActivityPropagation());
        builder.ConfigureClient(client => client.AddActivityPropagation());
        cluster = builder.Build();
        await cluster.DeployAsync();

        var configuration = GatewayHost.DefaultConfiguration();
        // Nothing listens there: the product's exporter fails quietly, the test's reads the spans.
        configuration["Reco:Tracing:OtlpEndpoint"] = "http://127.0.0.1:9";
        configuration["Reco:Tracing:SampleRatio"] = "1";
        gateway = await GatewayHost.StartAsync(cluster.Client, configuration, services: (services, settings) =>
            services.AddRecoTracing(settings, tracing => tracing
                .AddInMemoryExporter(exported)
                .AddProcessor(new WhenEnded(activity =>
                {
                    if (activity.TraceId == traceId && activity.Kind == ActivityKind.Server) requestEnded.TrySetResult();
                }))));
    }

    [Fact]
    public async Task A_recommendation_is_one_trace_from_the_request_through_the_grains_without_personal_data()
    {
        var user = Http.Unique("traced-user");
        var storefront = gateway.CreateClient(GatewayHost.StorefrontKey);
        Assert.Equal(HttpStatusCode.Accepted, (await storefront.PostEvents(Http.Event(user, Http.Unique("item")))).StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/users/{user}/recommendations?count=5");
        // The trace of this request only: the tracer sees every request in the test process.
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        Assert.Equal(HttpStatusCode.OK, (await storefront.SendAsync(request)).StatusCode);
        await requestEnded.Task.WaitAsync(TimeSpan.FromSeconds(30));

        List<Activity> spans;
        lock (exported) spans = exported.Where(a => a.TraceId == traceId).ToList();
        var server = Assert.Single(spans, a => a.Kind == ActivityKind.Server && a.Source.Name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.Equal("/v1/users/{userId}/recommendations", server.GetTagItem("http.route"));
        Assert.Equal("/v1/users/{userId}/recommendations", server.GetTagItem("url.path"));
        Assert.Null(server.GetTagItem("url.query"));
        // The grain calls of the request are spans of the same trace, the shopper's grain named without its key.
        var grainCalls = spans.Where(a => Equals(a.GetTagItem("rpc.system.name"), "orleans")).ToList();
        Assert.Contains(grainCalls, a => a.Kind == ActivityKind.Client && (a.GetTagItem("orleans.rpc.service") as string)?.EndsWith(".IRecommenderGrain", StringComparison.Ordinal) == true);
        Assert.Contains(grainCalls, a => a.Kind == ActivityKind.Server && (a.GetTagItem("orleans.rpc.service") as string)?.EndsWith(".IUserGrain", StringComparison.Ordinal) == true);
        Assert.Contains(grainCalls, a => Equals(a.GetTagItem("orleans.rpc.target_id"), GrainKeyRedaction.RedactedUserGrain));

        var pseudonym = gateway.Pseudonymizer.Pseudonymize(user);
        foreach (var span in spans)
        {
            foreach (var text in span.TagObjects.Select(t => t.Value?.ToString() ?? "").Append(span.DisplayName))
            {
                Assert.DoesNotContain(user, text, StringComparison.Ordinal);
                Assert.DoesNotContain(pseudonym, text, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (gateway is not null) await gateway.DisposeAsync();
        if (cluster is not null) await cluster.DisposeAsync();
    }

    private sealed class WhenEnded(Action<Activity> action) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => action(data);
    }
}
