using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit;

namespace OrleansReco.GatewayTests;

internal static class Http
{
    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static Task<HttpResponseMessage> PostEvents(this HttpClient client, string json) => client.PostAsync("/v1/events", Json(json));

    public static string Event(string userId, string itemId, string type = "view", string? timestamp = null, string? eventId = null)
    {
        var fields = new Dictionary<string, string> { ["userId"] = userId, ["itemId"] = itemId, ["type"] = type };
        if (timestamp is not null) fields["timestamp"] = timestamp;
        if (eventId is not null) fields["eventId"] = eventId;
        return JsonSerializer.Serialize(fields);
    }

    public static string Batch(params string[] events) => "[" + string.Join(",", events) + "]";

    /// <summary>Asserts an RFC 9457 answer with the given status and returns its body.</summary>
    public static async Task<JsonElement> AssertProblem(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        return problem;
    }

    public static async Task<T> AssertOk<T>(this HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
