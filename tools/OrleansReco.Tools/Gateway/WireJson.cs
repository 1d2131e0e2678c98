using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansReco.Tools.Gateway;

/// <summary>Body of one event in <c>POST /v1/events</c>.</summary>
internal sealed record EventBody(string UserId, string ItemId, string Type, DateTimeOffset Timestamp, string EventId);

/// <summary>Body of <c>PUT /v1/items/{itemId}</c>.</summary>
internal sealed record ItemBody(string? Title, string? Category, IReadOnlyList<string> Tags, decimal? Price, bool Available);

/// <summary>One entry of <c>GET /v1/users/{userId}/recommendations</c>.</summary>
public sealed record RecommendationBody(string ItemId, double Score, string? Because, string Reason);

internal sealed record RecommendationsBody(IReadOnlyList<RecommendationBody> Items, bool Personalized);

/// <summary>The summary of a published model in <c>GET /v1/admin/model</c>.</summary>
public sealed record ModelSummary(
    long Version, int Users, int Items, long Interactions, int Factors, int Sweeps,
    double ReadSeconds, double TrainSeconds, long TrainingBytes, int EaseItems);

internal sealed record ModelStatusBody(bool Training, string? LastError, ModelSummary? Current);

// Source-generated so a 1,000-event batch serialises without reflection; web defaults give camelCase names.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EventBody[]))]
[JsonSerializable(typeof(ItemBody))]
[JsonSerializable(typeof(RecommendationsBody))]
[JsonSerializable(typeof(ModelStatusBody))]
internal sealed partial class WireJson : JsonSerializerContext;
