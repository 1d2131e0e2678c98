using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrleansReco.ToolsTests;

/// <summary>
/// A real HTTP server on 127.0.0.1 (random port) with the gateway's three routes. It records what it accepted, in
/// the order requests completed, and can be told to refuse: not ready for a while, 429 for some event requests, or
/// a fixed error status. The tools' retry and back-off paths need answers on cue (a 429 now, a 503 twice), which the
/// real gateway gives only under load; the real gateway itself is driven over HTTP in GatewayTests (EvaluateOverHttpTests).
/// </summary>
public sealed class ScriptedGateway : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly List<WireEvent> _events = [];
    private readonly List<int> _batchSizes = [];
    private int _notReadyAnswers;
    private int _tooManyRequestsAnswers;
    private int _answersLost;
    private int _eventRequests;

    private ScriptedGateway(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Answer 503 to this many readiness polls before answering 200.</summary>
    public int NotReadyFor { set => _notReadyAnswers = value; }

    /// <summary>Answer 429 (Retry-After: 0) to this many event requests before accepting again.</summary>
    public int TooManyRequestsFor { set => _tooManyRequestsAnswers = value; }

    /// <summary>
    /// Record this many event requests and then drop the connection without answering: the storefront's view of a
    /// gateway that made the events durable and crashed, or of a reply lost on the way.
    /// </summary>
    public int AnswerLostFor { set => _answersLost = value; }

    /// <summary>When set, every event request gets this status (a problem body) and nothing is recorded.</summary>
    public HttpStatusCode? EventsStatus { get; set; }

    public int EventRequests => Volatile.Read(ref _eventRequests);

    public ConcurrentDictionary<string, WireItem> Items { get; } = new();

    public ConcurrentBag<string> ItemApiKeys { get; } = [];

    public ConcurrentBag<string> EventApiKeys { get; } = [];

    public IReadOnlyList<WireEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    public IReadOnlyList<int> BatchSizes
    {
        get
        {
            lock (_lock)
            {
                return [.. _batchSizes];
            }
        }
    }

    public static async Task<ScriptedGateway> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var gateway = new ScriptedGateway(app);
        app.MapGet("/health/ready", (Delegate)gateway.Ready);
        app.MapPost("/v1/events", (Delegate)gateway.PostEvents); // Delegate: the returned IResult is written
        app.MapPut("/v1/items/{itemId}", (Delegate)gateway.PutItem);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        gateway.BaseAddress = new Uri(address);
        return gateway;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private IResult Ready() =>
        Interlocked.Decrement(ref _notReadyAnswers) >= 0 ? Results.StatusCode(503) : Results.Ok();

    private async Task<IResult> PostEvents(HttpContext context)
    {
        Interlocked.Increment(ref _eventRequests);
        EventApiKeys.Add(context.Request.Headers["X-Api-Key"].ToString());
        if (Interlocked.Decrement(ref _tooManyRequestsAnswers) >= 0)
        {
            context.Response.Headers.RetryAfter = "0";
            return Results.StatusCode(429);
        }

        if (EventsStatus is { } status)
        {
            return Results.Problem(detail: "refused by the test", statusCode: (int)status);
        }

        var batch = await JsonSerializer.DeserializeAsync<List<WireEvent>>(context.Request.Body, Web) ?? [];
        lock (_lock)
        {
            _events.AddRange(batch);
            _batchSizes.Add(batch.Count);
        }

        if (Interlocked.Decrement(ref _answersLost) >= 0)
        {
            context.Abort();
            return Results.Empty;
        }
        return Results.Accepted();
    }

    private async Task<IResult> PutItem(string itemId, HttpContext context)
    {
        ItemApiKeys.Add(context.Request.Headers["X-Api-Key"].ToString());
        var item = await JsonSerializer.DeserializeAsync<WireItem>(context.Request.Body, Web);
        Items[itemId] = item!;
        return Results.NoContent();
    }
}

public sealed record WireEvent(string UserId, string ItemId, string Type, DateTimeOffset Timestamp, string? EventId = null);

public sealed record WireItem(string? Title, string? Category, List<string>? Tags, decimal? Price, bool Available);
