using System.Diagnostics.Metrics;
using OrleansReco.Gateway.Contracts;
using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Gateway.Metrics;

/// <summary>
/// What the storefront is served, on the meter <see cref="MeterName"/>: recommendation lists by mode, and their items
/// by the reason each was chosen. Tags are closed sets; no user or item id.
/// </summary>
internal static class GatewayMetrics
{
    public const string MeterName = "OrleansReco.Gateway";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Lists = Meter.CreateCounter<long>(
        "orleansreco.recommendations", "{list}", "Recommendation lists served, by mode and whether any item came from the shopper's history (personalized).");

    private static readonly Counter<long> Items = Meter.CreateCounter<long>(
        "orleansreco.recommendations.items", "{item}", "Items in the recommendation lists served, by mode and the reason each was chosen.");

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
