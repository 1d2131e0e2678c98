using System.Net;
using System.Text;
using OrleansReco.Grains.Interfaces;
using Xunit;

namespace OrleansReco.GatewayTests;

/// <summary>Every bad body answers 4xx problem details and records nothing, not even the valid events beside it.</summary>
[Collection(GatewayCollection.Name)]
public sealed class EventValidationTests(GatewayFixture fixture)
{
    private readonly HttpClient storefront = fixture.Gateway.CreateClient(GatewayHost.StorefrontKey);

    private async Task AssertNothingRecordedFor(string rawUserId)
    {
        var context = await fixture.Grains.GetGrain<IUserGrain>(fixture.Gateway.Pseudonymizer.Pseudonymize(rawUserId)).GetContext();
        Assert.Empty(context.History);
    }

    /// <summary>Second events of a batch whose first event (for user U) is valid. U is replaced by a unique user id.</summary>
    public static TheoryData<string, string> BadSecondEvents => new()
    {
        { "unknown property", """{"userId":"U","itemId":"i","type":"view","colour":"red"}""" },
        { "missing userId", """{"itemId":"i","type":"view"}""" },
        { "missing itemId", """{"userId":"U","type":"view"}""" },
        { "missing type", """{"userId":"U","itemId":"i"}""" },
        { "null userId", """{"userId":null,"itemId":"i","type":"view"}""" },
        { "empty userId", """{"userId":"","itemId":"i","type":"view"}""" },
        { "blank itemId", """{"userId":"U","itemId":"   ","type":"view"}""" },
        { "over-long userId", $$"""{"userId":"{{new string('u', 129)}}","itemId":"i","type":"view"}""" },
        { "over-long itemId", $$"""{"userId":"U","itemId":"{{new string('i', 129)}}","type":"view"}""" },
        { "control character in userId", """{"userId":"a\u0001b","itemId":"i","type":"view"}""" },
        { "newline in itemId", """{"userId":"U","itemId":"a\nb","type":"view"}""" },
        { "lone surrogate in userId", """{"userId":"a\ud800","itemId":"i","type":"view"}""" },
        { "userId '.', which no path can carry", """{"userId":".","itemId":"i","type":"view"}""" },
        { "userId '..', which no path can carry", """{"userId":"..","itemId":"i","type":"view"}""" },
        { "itemId '..', which no path can carry", """{"userId":"U","itemId":"..","type":"view"}""" },
        { "numeric userId", """{"userId":123,"itemId":"i","type":"view"}""" },
        { "unknown type", """{"userId":"U","itemId":"i","type":"like"}""" },
        { "numeric type", """{"userId":"U","itemId":"i","type":1}""" },
        { "timestamp a day ahead", $$"""{"userId":"U","itemId":"i","type":"view","timestamp":"{{DateTimeOffset.UtcNow.AddDays(1):O}}"}""" },
        { "timestamp an hour ahead", $$"""{"userId":"U","itemId":"i","type":"view","timestamp":"{{DateTimeOffset.UtcNow.AddHours(1):O}}"}""" },
        { "timestamp before 2000", """{"userId":"U","itemId":"i","type":"view","timestamp":"1999-12-31T23:59:59Z"}""" },
        { "timestamp without offset", """{"userId":"U","itemId":"i","type":"view","timestamp":"2024-05-01T10:00:00"}""" },
        { "timestamp not a date", """{"userId":"U","itemId":"i","type":"view","timestamp":"yesterday"}""" },
        { "numeric timestamp", """{"userId":"U","itemId":"i","type":"view","timestamp":1714557600}""" },
        { "duplicate property", """{"userId":"U","itemId":"i","type":"view","type":"purchase"}""" },
        { "empty eventId", """{"userId":"U","itemId":"i","type":"view","eventId":""}""" },
        { "over-long eventId", $$"""{"userId":"U","itemId":"i","type":"view","eventId":"{{new string('e', 129)}}"}""" },
        { "control character in eventId", """{"userId":"U","itemId":"i","type":"view","eventId":"a\u0007b"}""" },
        { "numeric eventId", """{"userId":"U","itemId":"i","type":"view","eventId":7}""" },
        { "not an object", "42" },
        { "nested array", """[{"userId":"U","itemId":"i","type":"view"}]""" },
    };

    [Theory]
    [MemberData(nameof(BadSecondEvents))]
    public async Task A_batch_with_one_bad_event_records_none(string because, string badEvent)
    {
        var user = Http.Unique("user");
        var body = Http.Batch(Http.Event(user, Http.Unique("item")), badEvent.Replace("\"U\"", $"\"{user}\""));

        var problem = await (await storefront.PostEvents(body)).AssertProblem(HttpStatusCode.BadRequest);

        Assert.True(problem.TryGetProperty("errors", out var errors), because);
        Assert.Contains(errors.EnumerateObject(), e => e.Name.StartsWith("[1]", StringComparison.Ordinal));
        await AssertNothingRecordedFor(user);
    }

    [Fact]
    public async Task Two_events_of_one_user_under_one_eventId_are_refused_and_none_recorded()
    {
        var (user, other) = (Http.Unique("user"), Http.Unique("other"));
        var body = Http.Batch(
            Http.Event(other, Http.Unique("item"), eventId: "e-1"),
            Http.Event(user, Http.Unique("item"), eventId: "e-1"),
            Http.Event(user, Http.Unique("item"), eventId: "e-1"));

        var problem = await (await storefront.PostEvents(body)).AssertProblem(HttpStatusCode.BadRequest);

        var errors = problem.GetProperty("errors");
        Assert.Equal(["[2].eventId"], errors.EnumerateObject().Select(e => e.Name));
        Assert.Contains("[1]", errors.GetProperty("[2].eventId")[0].GetString());
        await AssertNothingRecordedFor(user);
        await AssertNothingRecordedFor(other);
    }

    [Theory]
    [InlineData("truncated", """[{"userId":"U","itemId":"i","type":"view"},{""")]
    [InlineData("trailing comma", """[{"userId":"U","itemId":"i","type":"view"},]""")]
    [InlineData("comment", """[{"userId":"U","itemId":"i","type":"view"} /* hi */]""")]
    [InlineData("not JSON", "userId=U&itemId=i")]
    [InlineData("empty array", "[]")]
    [InlineData("null", "null")]
    [InlineData("string", "\"U\"")]
    [InlineData("deeply nested", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[U]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]")]
    public async Task A_malformed_body_answers_400_and_records_nothing(string because, string body)
    {
        var user = Http.Unique("user");
        var response = await storefront.PostEvents(body.Replace("\"U\"", $"\"{user}\"").Replace("[U]", $"[\"{user}\"]"));
        await response.AssertProblem(HttpStatusCode.BadRequest);
        Assert.NotNull(because);
        await AssertNothingRecordedFor(user);
    }

    [Fact]
    public async Task An_empty_body_answers_400()
    {
        await (await storefront.PostAsync("/v1/events", Http.Json(""))).AssertProblem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task More_than_1000_events_are_refused_and_none_recorded()
    {
        var user = Http.Unique("user");
        var body = Http.Batch(Enumerable.Range(0, 1001).Select(i => Http.Event(user, $"item-{i}")).ToArray());
        Assert.True(Encoding.UTF8.GetByteCount(body) < 1024 * 1024, "The batch must be refused for its count, not its size.");

        var response = await storefront.PostEvents(body);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge);
        await response.AssertProblem(response.StatusCode);
        await AssertNothingRecordedFor(user);
    }

    [Fact]
    public async Task Exactly_1000_events_are_accepted()
    {
        var user = Http.Unique("user");
        var body = Http.Batch(Enumerable.Range(0, 1000).Select(i => Http.Event(user, $"item-{i % 10}")).ToArray());
        var response = await storefront.PostEvents(body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task A_body_over_1_MiB_answers_413_and_records_nothing()
    {
        var user = Http.Unique("user");
        var body = Http.Batch(Http.Event(user, "item")) + new string(' ', 1024 * 1024);

        await (await storefront.PostEvents(body)).AssertProblem(HttpStatusCode.RequestEntityTooLarge);
        await AssertNothingRecordedFor(user);
    }

    [Fact]
    public async Task A_chunked_body_over_1_MiB_answers_413_and_records_nothing()
    {
        var user = Http.Unique("user");
        var bytes = Encoding.UTF8.GetBytes(Http.Batch(Http.Event(user, "item")) + new string(' ', 1024 * 1024));
        // A stream of unknown length is sent chunked, without Content-Length, so the limit is found while reading.
        var content = new StreamContent(new NonSeekableStream(bytes));
        content.Headers.ContentType = new("application/json");

        await (await storefront.PostAsync("/v1/events", content)).AssertProblem(HttpStatusCode.RequestEntityTooLarge);
        await AssertNothingRecordedFor(user);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    public async Task A_non_JSON_content_type_answers_415_and_records_nothing(string mediaType)
    {
        var user = Http.Unique("user");
        var content = new StringContent(Http.Event(user, "item"), Encoding.UTF8, mediaType);

        await (await storefront.PostAsync("/v1/events", content)).AssertProblem(HttpStatusCode.UnsupportedMediaType);
        await AssertNothingRecordedFor(user);
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
