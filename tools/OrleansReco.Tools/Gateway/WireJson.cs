using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansReco.Tools.Gateway;

/// <summary>Body of one event in <c>POST /v1/events</c>.</summary>
internal sealed record EventBody(string UserId, string ItemId, string Type, DateTimeOffset Timestamp);

/// <summary>Body of <c>PUT /v1/items/{itemId}</c>.</summary>
internal sealed record ItemBody(string? Title, string? Category, IReadOnlyList<string> Tags, decimal? Price, bool Available);

// Source-generated so a 1,000-event batch serialises without reflection; web defaults give camelCase names.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EventBody[]))]
[JsonSerializable(typeof(ItemBody))]
internal sealed partial class WireJson : JsonSerializerContext;
