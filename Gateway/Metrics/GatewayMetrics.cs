using System.Diagnostics.Metrics;
using OrleansReco.Gateway.Contracts;
using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Gateway.Metrics;

/// <summary>
/// What the gateway serves and refuses, on the meter <see cref="MeterName"/>: recommendation lists by mode and their
/// items by the reason each was chosen; refused keys and throttled requests, so an operator sees a key being guessed.
/// Tags are closed sets; no user id, item id, key or client address.
/// </summary>
internal static class GatewayMetrics
{
    public const string MeterName = "OrleansReco.Gateway";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Lists = Meter.CreateCounter<long>(
        "orleansreco.recommendations", "{list}", "Recommendation lists served, by mode and whether any item came from the shopper's history (personalized).");

    private static readonly Counter<long> Items = Meter.CreateCounter<long>(
        "orleansreco.recommendations.items", "{item}", "Items in the recommendation lists served, by mode and the reason each was chosen.");

    private static readonly Counter<long> AuthFailures = Meter.CreateCounter<long>(
        "orleansreco.auth.failures", "{request}", "Requests refused for their API key: 401 (no or unknown key) or 403 (the key's role may not call it).");

    private static readonly Counter<long> Throttled = Meter.CreateCounter<long>(
        "orleansreco.requests.throttled", "{request}",
        "Requests answered 429, by limit: api_key (the key's token bucket) or auth_failures (the address spent its failed authentications).");

    public static void AuthFailure(int status) => AuthFailures.Add(1, new KeyValuePair<string, object?>("status", status));

    public static void ThrottledRequest(string limit) => Throttled.Add(1, new KeyValuePair<string, object?>("limit", limit));

    public static void Served(string mode, RecommendationResult result)
    {
        var modeTag = new KeyValuePair<string, object?>("mode", mode);
        Lists.Add(1, modeTag, new KeyValuePair<string, object?>("personalized", result.Personalized));
        foreach (var reason in result.Items.GroupBy(i => i.Reason))
        {
            Items.Add(reason.Count(), modeTag, new KeyValuePair<string, object?>("reason", ReasonNames.Of(reason.Key)));
        }
    }
}
