using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using OrleansReco.Tools.Synthetic;

namespace OrleansReco.Tools.Gateway;

/// <summary>The gateway calls the tools make, over a caller-owned <see cref="HttpClient"/>.</summary>
public sealed class GatewayClient
{
    public const int MaxEventsPerRequest = 1000;

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _http;
    private readonly Uri _base;
    private readonly GatewayKeys _keys;
    private readonly RetryPolicy _retry;

    public GatewayClient(HttpClient http, Uri gateway, GatewayKeys keys, RetryPolicy retry)
    {
        _http = http;
        _keys = keys;
        _retry = retry;
        // A base with a path ("http://host/reco") must end in '/' or relative paths would replace its last segment.
        _base = gateway.AbsoluteUri.EndsWith('/') ? gateway : new Uri(gateway.AbsoluteUri + "/");
    }

    /// <summary>Number of requests answered 429/503, or not answered, and sent again, for the summary line.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    private long _retries;

    /// <summary>Event ids are this client's random prefix and a sequence number: unique per shopper across runs.</summary>
    private readonly string _eventIdPrefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + "-";
    private long _eventsNamed;

    private string EventId(long sequence) => _eventIdPrefix + sequence.ToString(CultureInfo.InvariantCulture);

    /// <summary>Polls <c>GET /health/ready</c> until it answers 200, at most <paramref name="attempts"/> times.</summary>
    public async Task<bool> WaitUntilReadyAsync(int attempts, TimeSpan delay, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                using var response = await _http.GetAsync(new Uri(_base, "health/ready"), timeout.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet: the gateway may still be starting.
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // This attempt timed out; try again.
            }

            if (attempt < attempts)
            {
                await Task.Delay(delay, cancellationToken);
            }
        }

        return false;
    }

    public Task UpsertItemAsync(CatalogItem item, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new ItemBody(item.Title, item.Category, item.Tags, item.Price, item.Available), WireJson.Default.ItemBody);
        var uri = new Uri(_base, "v1/items/" + Uri.EscapeDataString(item.ItemId));
        return SendAsync(HttpMethod.Put, uri, _keys.Catalog, body, $"item '{item.ItemId}'", cancellationToken);
    }

    public Task PostEventsAsync(IReadOnlyList<StorefrontEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count is 0 or > MaxEventsPerRequest)
        {
            throw new ArgumentOutOfRangeException(nameof(events), $"A batch holds 1 to {MaxEventsPerRequest} events.");
        }

        // Ids are given once, here, so every retry of the batch carries the same ones and the gateway records each
        // event once however often the batch is sent.
        var first = Interlocked.Add(ref _eventsNamed, events.Count) - events.Count;
        var bodies = events.Select((e, i) => new EventBody(e.UserId, e.ItemId, WireName(e.Type), e.Timestamp, EventId(first + i))).ToArray();
        var body = JsonSerializer.SerializeToUtf8Bytes(bodies, WireJson.Default.EventBodyArray);
        return SendAsync(HttpMethod.Post, new Uri(_base, "v1/events"), _keys.Storefront, body, $"a batch of {events.Count} events", cancellationToken);
    }

    public static string WireName(StorefrontEventType type) => type switch
    {
        StorefrontEventType.View => "view",
        StorefrontEventType.Cart => "cart",
        StorefrontEventType.Purchase => "purchase",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary><c>POST /v1/admin/model/train?wait=true</c>: trains the embedding model and returns the new model's summary.</summary>
    public async Task<ModelSummary?> TrainModelAsync(CancellationToken cancellationToken)
    {
        var body = await SendAsync(HttpMethod.Post, new Uri(_base, "v1/admin/model/train?wait=true"), _keys.Admin, null, "training the model", cancellationToken);
        return JsonSerializer.Deserialize(body, WireJson.Default.ModelStatusBody)?.Current;
    }

    /// <summary><c>GET /v1/users/{userId}/recommendations</c>: the shopper's list, best first.</summary>
    public async Task<IReadOnlyList<RecommendationBody>> RecommendAsync(string userId, int count, bool discovery, bool excludeSeen, CancellationToken cancellationToken)
    {
        var query = string.Create(CultureInfo.InvariantCulture,
            $"?count={count}&mode={(discovery ? "discovery" : "repeat")}&excludeSeen={(excludeSeen ? "true" : "false")}");
        var uri = new Uri(_base, "v1/users/" + Uri.EscapeDataString(userId) + "/recommendations" + query);
        var body = await SendAsync(HttpMethod.Get, uri, _keys.Storefront, null, "recommendations", cancellationToken);
        return JsonSerializer.Deserialize(body, WireJson.Default.RecommendationsBody)?.Items ?? [];
    }

    /// <summary>
    /// Sends with retries on 429, 503 and no answer at all (a connection lost on the way), and returns the response
    /// body; any other failure throws. Retrying without an answer is safe because every request the tools send is
    /// idempotent: item upserts replace, events carry ids, the rest only read (or train a model once more).
    /// </summary>
    private async Task<byte[]> SendAsync(HttpMethod method, Uri uri, string apiKey, byte[]? body, string what, CancellationToken cancellationToken)
    {
        for (var retry = 0; ; retry++)
        {
            // A request message cannot be sent twice, so each attempt builds its own around the same bytes.
            using var request = new HttpRequestMessage(method, uri);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = Json;
            }
            request.Headers.Add("X-Api-Key", apiKey);
            using var response = await SendOnceAsync(request, mayRetry: retry < _retry.MaxRetries, cancellationToken);
            if (response is null)
            {
                Interlocked.Increment(ref _retries);
                await Task.Delay(_retry.DelayBefore(retry + 1, null), cancellationToken);
                continue;
            }
            if (response.IsSuccessStatusCode)
            {
                return await response.Content.ReadAsByteArrayAsync(cancellationToken);
            }

            var status = response.StatusCode;
            var retryable = status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable;
            if (!retryable || retry >= _retry.MaxRetries)
            {
                var detail = await ReadDetailAsync(response, cancellationToken);
                var tries = retryable ? $" after {retry + 1} attempts" : string.Empty;
                throw new GatewayException($"{method} {uri.AbsolutePath} for {what} failed with {(int)status} {status}{tries}: {detail}", status);
            }

            Interlocked.Increment(ref _retries);
            await Task.Delay(_retry.DelayBefore(retry + 1, RetryAfter(response)), cancellationToken);
        }
    }

    /// <summary>Null when no answer came (connection refused or lost, or the client's timeout) and a retry may follow.</summary>
    private async Task<HttpResponseMessage?> SendOnceAsync(HttpRequestMessage request, bool mayRetry, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException) when (mayRetry)
        {
            return null;
        }
        catch (TaskCanceledException) when (mayRetry && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };

    // The problem details (RFC 9457) say what was wrong with the input; keep the message short.
    private static async Task<string> ReadDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length == 0 ? "(no body)" : text.Length > 500 ? text[..500] + "..." : text;
    }
}
