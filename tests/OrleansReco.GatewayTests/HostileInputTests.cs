using System.Net;
using System.Text;
using OrleansReco.Grains.Interfaces;
using Xunit;
using static System.Net.HttpStatusCode;

namespace OrleansReco.GatewayTests;

/// <summary>
/// Issue 18: one table of hostile requests over real HTTP against every endpoint. Each row holds only input that
/// docs/api.md calls invalid (or a request the key may not make), and must answer exactly its 4xx as problem details
/// and store nothing for the ids it names. The single-case validation tests beside this one explain the rules; this
/// table is the broad sweep across endpoints.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class HostileInputTests(GatewayFixture fixture)
{
    private const string Events = "POST /v1/events";
    private const string Recommendations = "GET /v1/users/{userId}/recommendations";
    private const string Popular = "GET /v1/items/popular";
    private const string Catalogue = "GET /v1/items";
    private const string Similar = "GET /v1/items/{itemId}/similar";
    private const string PutItem = "PUT /v1/items/{itemId}";
    private const string Profile = "PUT /v1/users/{userId}/profile";
    private const string Export = "GET /v1/users/{userId}/export";
    private const string Consent = "PUT /v1/users/{userId}/consent";
    private const string Erase = "DELETE /v1/users/{userId}";
    private const string Receipt = "GET /v1/admin/erasures/{receiptId}";
    private const string Verify = "POST /v1/admin/erasures/{receiptId}/verify";
    private const string Rewrap = "POST /v1/admin/keys/rewrap";
    private const string Model = "GET /v1/admin/model";
    private const string Train = "POST /v1/admin/model/train";

    private static readonly string[] AllEndpoints =
        [Events, Recommendations, Popular, Catalogue, Similar, PutItem, Profile, Export, Consent, Erase, Receipt, Verify, Rewrap, Model, Train];

    /// <summary>
    /// One hostile request. <see cref="Users"/> and <see cref="Items"/> are every id the request names, valid or not
    /// (an id the gateway should have refused would be stored under exactly that text had it been accepted).
    /// </summary>
    public sealed record Hostile(HttpStatusCode Status, string Method, string Target, params string[] Keys)
    {
        public string? Body { get; init; }
        public string? ContentType { get; init; } = "application/json";
        /// <summary>Sent without Content-Length, so a size limit can only be found while reading.</summary>
        public bool Chunked { get; init; }
        public string[] Users { get; init; } = [];
        public string[] Items { get; init; } = [];
        /// <summary>A receipt id no erasure has: still none after the request.</summary>
        public Guid? Receipt { get; init; }
        /// <summary>
        /// The first user holds a history before the request, which must still hold it after. Erasing an id never seen
        /// writes no user state, so a DELETE that should have been refused shows only on a shopper with something to erase.
        /// </summary>
        public bool SeedUser { get; init; }
    }

    private sealed record Row(string Endpoint, string Name, Func<string, string, Hostile> Make)
    {
        public string Label => $"{Endpoint}: {Name}";
    }

    private const string S = GatewayHost.StorefrontKey, C = GatewayHost.CatalogKey, P = GatewayHost.PrivacyKey, A = GatewayHost.AdminKey;

    /// <summary>An id one character over the limit, unique to the row.</summary>
    private static string Long(string id) => id.PadRight(129, 'x');

    private static string Nested(int depth, string inner) => new string('[', depth) + inner + new string(']', depth);

    private static string Over(int bytes, string json) => json + new string(' ', bytes + 1 - Encoding.UTF8.GetByteCount(json));

    // ---- Builders: the endpoint's request with everything valid but the row's fault. ----

    private static Hostile Post(string body, string u, string i, HttpStatusCode status = BadRequest) =>
        new(status, "POST", "/v1/events", S) { Body = body, Users = [u], Items = [i] };

    /// <summary>A valid event for (u, i) beside the bad one: a batch is all or nothing, so u must not be written either.</summary>
    private static Hostile BadEvent(string u, string i, string badEvent, string[]? users = null, string[]? items = null) =>
        Post(Http.Batch(Http.Event(u, i), badEvent), u, i) with { Users = [u, .. users ?? []], Items = [i, .. items ?? []] };

    private static string EventJson(string u, string i, string extra) => $$"""{"userId":"{{u}}","itemId":"{{i}}","type":"view"{{extra}}}""";

    private static Hostile Item(string i, string? body, HttpStatusCode status = BadRequest, string key = C) =>
        new(status, "PUT", $"/v1/items/{i}", key) { Body = body, Items = [i] };

    private static Hostile PutProfile(string u, string? body, HttpStatusCode status = BadRequest, string key = P) =>
        new(status, "PUT", $"/v1/users/{u}/profile", key) { Body = body, Users = [u] };

    private static Hostile PutConsent(string u, string? body, HttpStatusCode status = BadRequest, string key = P) =>
        new(status, "PUT", $"/v1/users/{u}/consent", key) { Body = body, Users = [u] };

    private static Hostile PostVerify(string? body, HttpStatusCode status = BadRequest, string key = A, string[]? users = null)
    {
        var receipt = Guid.NewGuid();
        return new(status, "POST", $"/v1/admin/erasures/{receipt:D}/verify", key) { Body = body, Receipt = receipt, Users = users ?? [] };
    }

    private const string GoodProfile = """{"attributes":{"name":"x"}}""";
    // Consent false is the body that would store a record even for an id never seen.
    private const string GoodConsent = """{"personalization":false}""";

    /// <summary>
    /// Path segments that do not spell one valid id: the segment as sent (u is the row's user or item id) and the ids
    /// a lax gateway could have reached with it.
    /// </summary>
    private static readonly (string Name, Func<string, string> Segment, Func<string, string[]> Named)[] BadSegments =
    [
        ("129 characters", Long, id => [Long(id)]),
        ("lone %", id => id + "%", id => [id, id + "%"]),
        ("% without hex digits", id => id + "%zz", id => [id, id + "%zz"]),
        ("% with one hex digit", id => id + "%2", id => [id, id + "%2"]),
        ("escape that is not UTF-8", id => id + "%FF", id => [id, id + "%FF", id + "\uFFFD"]),
        ("UTF-8 sequence cut short", id => id + "%C3", id => [id, id + "%C3", id + "\uFFFD"]),
        ("UTF-8 of a lone surrogate", id => id + "%ED%A0%80", id => [id, id + "%ED%A0%80", id + "\uFFFD\uFFFD\uFFFD"]),
        ("control character", id => id + "%01", id => [id + "\u0001"]),
        ("DEL", id => id + "%7F", id => [id + "\u007F"]),
        ("blank", _ => "%20%20", _ => ["  "]),
        ("'..' segment", id => $"{id}x/../{id}", id => [id, id + "x"]),
        ("encoded '..' segment", id => $"{id}x/%2E%2E/{id}", id => [id, id + "x"]),
        ("'.' segment", id => $"./{id}", id => [id]),
    ];

    private static IEnumerable<Row> BadPathIds()
    {
        foreach (var (name, segment, named) in BadSegments)
        {
            yield return new(Recommendations, $"user id: {name}", (u, _) =>
                new Hostile(BadRequest, "GET", $"/v1/users/{segment(u)}/recommendations", S) { Users = named(u) });
            yield return new(Profile, $"user id: {name}", (u, _) => PutProfile(segment(u), GoodProfile) with { Users = named(u) });
            yield return new(Export, $"user id: {name}", (u, _) =>
                new Hostile(BadRequest, "GET", $"/v1/users/{segment(u)}/export", P) { Users = named(u) });
            yield return new(Consent, $"user id: {name}", (u, _) => PutConsent(segment(u), GoodConsent) with { Users = named(u) });
            yield return new(Erase, $"user id: {name}", (u, _) =>
                new Hostile(BadRequest, "DELETE", $"/v1/users/{segment(u)}", P) { Users = [u, .. named(u)], SeedUser = true });
            yield return new(Similar, $"item id: {name}", (_, i) =>
                new Hostile(BadRequest, "GET", $"/v1/items/{segment(i)}/similar", S) { Items = named(i) });
            yield return new(PutItem, $"item id: {name}", (_, i) => Item(segment(i), """{"title":"t"}""") with { Items = named(i) });
        }
    }

    private static IEnumerable<Row> EventRows() =>
    [
        new(Events, "truncated JSON", (u, i) => Post("[" + Http.Event(u, i) + ",{", u, i)),
        new(Events, "trailing comma", (u, i) => Post("[" + Http.Event(u, i) + ",]", u, i)),
        new(Events, "comment", (u, i) => Post("[" + Http.Event(u, i) + "/* hi */]", u, i)),
        new(Events, "form encoding under a JSON content type", (u, i) => Post($"userId={u}&itemId={i}&type=view", u, i)),
        new(Events, "empty body", (u, i) => Post("", u, i)),
        new(Events, "null body", (u, i) => Post("null", u, i)),
        new(Events, "empty batch", (u, i) => Post("[]", u, i)),
        new(Events, "string body", (u, i) => Post($"\"{u}\"", u, i)),
        new(Events, "number body", (u, i) => Post("42", u, i)),
        new(Events, "array of arrays", (u, i) => Post($"[[{Http.Event(u, i)}]]", u, i)),
        new(Events, "batch wrapped in an object", (u, i) => Post($$"""{"events":[{{Http.Event(u, i)}}]}""", u, i)),
        new(Events, "deeply nested", (u, i) => Post(Nested(40, Http.Event(u, i)), u, i)),
        new(Events, "lone surrogate in a property name", (u, i) => BadEvent(u, i, EventJson(u, i + "b", ""","\ud800":1"""))),
        new(Events, "two JSON values", (u, i) => Post(Http.Event(u, i) + " " + Http.Event(u, i), u, i)),
        new(Events, "unknown property", (u, i) => BadEvent(u, i, EventJson(u, i + "b", ""","colour":"red" """))),
        new(Events, "duplicate property", (u, i) => BadEvent(u, i, EventJson(u, i + "b", ""","type":"purchase" """))),
        new(Events, "duplicate property in another case", (u, i) => BadEvent(u, i, EventJson(u, i + "b", $$""","USERID":"{{u}}" """))),
        new(Events, "numeric userId", (u, i) => BadEvent(u, i, $$"""{"userId":123,"itemId":"{{i}}","type":"view"}""")),
        new(Events, "userId an array", (u, i) => BadEvent(u, i, $$"""{"userId":["{{u}}"],"itemId":"{{i}}","type":"view"}""")),
        new(Events, "userId an object", (u, i) => BadEvent(u, i, $$"""{"userId":{"id":"{{u}}"},"itemId":"{{i}}","type":"view"}""")),
        new(Events, "boolean itemId", (u, i) => BadEvent(u, i, $$"""{"userId":"{{u}}","itemId":true,"type":"view"}""")),
        new(Events, "missing userId", (u, i) => BadEvent(u, i, $$"""{"itemId":"{{i}}","type":"view"}""")),
        new(Events, "null itemId", (u, i) => BadEvent(u, i, $$"""{"userId":"{{u}}","itemId":null,"type":"view"}""")),
        new(Events, "userId of 129 characters", (u, i) => BadEvent(u, i, EventJson(Long(u), i, ""), users: [Long(u)])),
        new(Events, "itemId of 129 characters", (u, i) => BadEvent(u, i, EventJson(u, Long(i), ""), items: [Long(i)])),
        new(Events, "control character in userId", (u, i) => BadEvent(u, i, EventJson(u + "\\u0001", i, ""), users: [u + "\u0001"])),
        new(Events, "NUL in itemId", (u, i) => BadEvent(u, i, EventJson(u, i + "\\u0000", ""), items: [i + "\u0000"])),
        new(Events, "lone high surrogate in userId", (u, i) => BadEvent(u, i, EventJson(u + "\\ud800", i, ""), users: [u + "\uFFFD"])),
        new(Events, "lone low surrogate in itemId", (u, i) => BadEvent(u, i, EventJson(u, i + "\\udc00", ""), items: [i + "\uFFFD"])),
        new(Events, "blank userId", (u, i) => BadEvent(u, i, EventJson("   ", i, ""), users: ["   "])),
        new(Events, "userId '..'", (u, i) => BadEvent(u, i, EventJson("..", i, ""), users: [".."])),
        new(Events, "itemId '.'", (u, i) => BadEvent(u, i, EventJson(u, ".", ""), items: ["."])),
        new(Events, "script and a control character in userId", (u, i) =>
            BadEvent(u, i, EventJson($"<script>{u}</script>\\u0007", i, ""), users: [$"<script>{u}</script>\u0007"])),
        new(Events, "unknown type", (u, i) => BadEvent(u, i, $$"""{"userId":"{{u}}","itemId":"{{i}}","type":"like"}""")),
        new(Events, "empty type", (u, i) => BadEvent(u, i, $$"""{"userId":"{{u}}","itemId":"{{i}}","type":""}""")),
        new(Events, "numeric type", (u, i) => BadEvent(u, i, $$"""{"userId":"{{u}}","itemId":"{{i}}","type":1}""")),
        new(Events, "null type", (u, i) => BadEvent(u, i, $$"""{"userId":"{{u}}","itemId":"{{i}}","type":null}""")),
        new(Events, "type an array", (u, i) => BadEvent(u, i, $$"""{"userId":"{{u}}","itemId":"{{i}}","type":["view"]}""")),
        new(Events, "SQL in type", (u, i) => BadEvent(u, i, $$"""{"userId":"{{u}}","itemId":"{{i}}","type":"view'; DROP TABLE events;--"}""")),
        new(Events, "timestamp with month 13", (u, i) => BadEvent(u, i, EventJson(u, i, ""","timestamp":"2025-13-01T00:00:00Z" """))),
        new(Events, "timestamp without a time", (u, i) => BadEvent(u, i, EventJson(u, i, ""","timestamp":"2025-03-01" """))),
        new(Events, "timestamp without an offset", (u, i) => BadEvent(u, i, EventJson(u, i, ""","timestamp":"2025-03-01T10:00:00" """))),
        new(Events, "timestamp before 2000", (u, i) => BadEvent(u, i, EventJson(u, i, ""","timestamp":"1999-12-31T23:59:59Z" """))),
        new(Events, "timestamp a day ahead", (u, i) => BadEvent(u, i, EventJson(u, i, $$""","timestamp":"{{DateTimeOffset.UtcNow.AddDays(1):O}}" """))),
        new(Events, "empty timestamp", (u, i) => BadEvent(u, i, EventJson(u, i, ""","timestamp":"" """))),
        new(Events, "huge numeric timestamp", (u, i) => BadEvent(u, i, EventJson(u, i, ""","timestamp":1e400"""))),
        new(Events, "timestamp 'NaN'", (u, i) => BadEvent(u, i, EventJson(u, i, ""","timestamp":"NaN" """))),
        new(Events, "bare NaN", (u, i) => BadEvent(u, i, EventJson(u, i, ""","timestamp":NaN"""))),
        new(Events, "bare -Infinity", (u, i) => BadEvent(u, i, EventJson(u, i, ""","timestamp":-Infinity"""))),
        new(Events, "eventId of 129 characters", (u, i) => BadEvent(u, i, EventJson(u, i, $$""","eventId":"{{Long("e")}}" """))),
        new(Events, "numeric eventId", (u, i) => BadEvent(u, i, EventJson(u, i, ""","eventId":7"""))),
        new(Events, "one eventId twice for one user", (u, i) =>
            Post(Http.Batch(Http.Event(u, i, eventId: "e-1"), Http.Event(u, i + "b", eventId: "e-1")), u, i) with { Items = [i, i + "b"] }),
        new(Events, "1,001 events", (u, i) => Post(Http.Batch(Enumerable.Repeat(Http.Event(u, i), 1001).ToArray()), u, i, RequestEntityTooLarge)),
        new(Events, "body over 1 MiB", (u, i) => Post(Over(1024 * 1024, Http.Batch(Http.Event(u, i))), u, i, RequestEntityTooLarge)),
        new(Events, "chunked body over 1 MiB", (u, i) =>
            Post(Over(1024 * 1024, Http.Batch(Http.Event(u, i))), u, i, RequestEntityTooLarge) with { Chunked = true }),
        new(Events, "text/plain", (u, i) => Post(Http.Event(u, i), u, i, UnsupportedMediaType) with { ContentType = "text/plain" }),
        new(Events, "form content type", (u, i) =>
            Post(Http.Event(u, i), u, i, UnsupportedMediaType) with { ContentType = "application/x-www-form-urlencoded" }),
        new(Events, "no body and no content type", (u, i) => Post(Http.Event(u, i), u, i, UnsupportedMediaType) with { Body = null }),
        new(Events, "no key", (u, i) => Post(Http.Event(u, i), u, i, Unauthorized) with { Keys = [] }),
        new(Events, "unknown key", (u, i) => Post(Http.Event(u, i), u, i, Unauthorized) with { Keys = ["not-a-key"] }),
        new(Events, "key in the wrong case", (u, i) => Post(Http.Event(u, i), u, i, Unauthorized) with { Keys = [S.ToUpperInvariant()] }),
        new(Events, "two key headers", (u, i) => Post(Http.Event(u, i), u, i, Unauthorized) with { Keys = [S, A] }),
        new(Events, "catalog key", (u, i) => Post(Http.Event(u, i), u, i, Forbidden) with { Keys = [C] }),
        new(Events, "privacy key", (u, i) => Post(Http.Event(u, i), u, i, Forbidden) with { Keys = [P] }),
        new(Events, "PUT", (u, i) => Post(Http.Event(u, i), u, i, MethodNotAllowed) with { Method = "PUT" }),
        new(Events, "DELETE", (u, i) => Post(Http.Event(u, i), u, i, MethodNotAllowed) with { Method = "DELETE", Body = null }),
    ];

    private static Hostile Recommend(string u, string query, HttpStatusCode status = BadRequest, string key = S) =>
        new(status, "GET", $"/v1/users/{u}/recommendations?{query}", key) { Users = [u] };

    private static Hostile Popularity(string query, HttpStatusCode status = BadRequest, string key = S) =>
        new(status, "GET", $"/v1/items/popular?{query}", key);

    private static Hostile CataloguePage(string query, HttpStatusCode status = BadRequest, string key = S) =>
        new(status, "GET", $"/v1/items?{query}", key);

    private static Hostile Similarity(string i, string query, HttpStatusCode status = BadRequest, string key = S) =>
        new(status, "GET", $"/v1/items/{i}/similar?{query}", key) { Items = [i] };

    private static IEnumerable<Row> ReadRows() =>
    [
        new(Recommendations, "count=0", (u, _) => Recommend(u, "count=0")),
        new(Recommendations, "count=101", (u, _) => Recommend(u, "count=101")),
        new(Recommendations, "count=abc", (u, _) => Recommend(u, "count=abc")),
        new(Recommendations, "count=-1", (u, _) => Recommend(u, "count=-1")),
        new(Recommendations, "count=1e2", (u, _) => Recommend(u, "count=1e2")),
        new(Recommendations, "huge count", (u, _) => Recommend(u, "count=99999999999999999999")),
        new(Recommendations, "count given twice", (u, _) => Recommend(u, "count=1&count=2")),
        new(Recommendations, "mode=x", (u, _) => Recommend(u, "mode=x")),
        new(Recommendations, "SQL in mode", (u, _) => Recommend(u, "mode=repeat%27%20OR%20%271%27%3D%271")),
        new(Recommendations, "excludeSeen=maybe", (u, _) => Recommend(u, "excludeSeen=maybe")),
        new(Recommendations, "excludeSeen=1", (u, _) => Recommend(u, "excludeSeen=1")),
        new(Recommendations, "101 excluded ids", (u, i) => Recommend(u, "exclude=" + string.Join(',', Enumerable.Range(0, 101).Select(n => $"{i}-{n}")))),
        new(Recommendations, "excluded id of 129 characters", (u, i) => Recommend(u, $"exclude=a,{Long(i)}")),
        new(Recommendations, "control character in an excluded id", (u, i) => Recommend(u, $"exclude={i}%0A")),
        new(Recommendations, "category of 129 characters", (u, i) => Recommend(u, $"category={Long(i)}")),
        new(Recommendations, "control character in category", (u, _) => Recommend(u, "category=a%01b")),
        new(Recommendations, "diversity=-0.1", (u, _) => Recommend(u, "diversity=-0.1")),
        new(Recommendations, "diversity=1.01", (u, _) => Recommend(u, "diversity=1.01")),
        new(Recommendations, "diversity=NaN", (u, _) => Recommend(u, "diversity=NaN")),
        new(Recommendations, "diversity=Infinity", (u, _) => Recommend(u, "diversity=Infinity")),
        new(Recommendations, "diversity=1e-1", (u, _) => Recommend(u, "diversity=1e-1")),
        new(Recommendations, "diversity=0,5", (u, _) => Recommend(u, "diversity=0,5")),
        new(Recommendations, "empty diversity", (u, _) => Recommend(u, "diversity=")),
        new(Recommendations, "diversity given twice", (u, _) => Recommend(u, "diversity=0.1&diversity=0.2")),
        new(Recommendations, "maxPerCategory=0", (u, _) => Recommend(u, "maxPerCategory=0")),
        new(Recommendations, "maxPerCategory=101", (u, _) => Recommend(u, "maxPerCategory=101")),
        new(Recommendations, "maxPerCategory=-1", (u, _) => Recommend(u, "maxPerCategory=-1")),
        new(Recommendations, "maxPerCategory=1.5", (u, _) => Recommend(u, "maxPerCategory=1.5")),
        new(Recommendations, "huge maxPerCategory", (u, _) => Recommend(u, "maxPerCategory=99999999999999999999")),
        new(Recommendations, "empty maxPerCategory", (u, _) => Recommend(u, "maxPerCategory=")),
        new(Recommendations, "maxPerCategory given twice", (u, _) => Recommend(u, "maxPerCategory=1&maxPerCategory=2")),
        new(Recommendations, "no key", (u, _) => Recommend(u, "", Unauthorized) with { Keys = [] }),
        new(Recommendations, "catalog key", (u, _) => Recommend(u, "", Forbidden, C)),
        new(Recommendations, "privacy key", (u, _) => Recommend(u, "", Forbidden, P)),
        new(Recommendations, "POST", (u, _) => Recommend(u, "", MethodNotAllowed) with { Method = "POST", Body = "{}" }),

        // The popularity list is read from the recommender and names no shopper or item: nothing it could store has a name.
        new(Popular, "count=0", (_, _) => Popularity("count=0")),
        new(Popular, "count=101", (_, _) => Popularity("count=101")),
        new(Popular, "count=abc", (_, _) => Popularity("count=abc")),
        new(Popular, "empty count", (_, _) => Popularity("count=")),
        new(Popular, "count given twice", (_, _) => Popularity("count=5&count=6")),
        new(Popular, "category of 129 characters", (_, i) => Popularity($"category={Long(i)}")),
        new(Popular, "tab in category", (_, _) => Popularity("category=a%09b")),
        new(Popular, "script with a newline in category", (_, _) => Popularity("category=%3Cscript%3E%0A")),
        new(Popular, "no key", (_, _) => Popularity("", Unauthorized) with { Keys = [] }),
        new(Popular, "catalog key", (_, _) => Popularity("", Forbidden, C)),
        new(Popular, "privacy key", (_, _) => Popularity("", Forbidden, P)),
        new(Popular, "DELETE", (_, _) => Popularity("", MethodNotAllowed) with { Method = "DELETE" }),

        // A catalogue page reads the index and the items it lists; it names no shopper, and its ids are cursors.
        new(Catalogue, "count=0", (_, _) => CataloguePage("count=0")),
        new(Catalogue, "count=101", (_, _) => CataloguePage("count=101")),
        new(Catalogue, "count given twice", (_, _) => CataloguePage("count=5&count=6")),
        new(Catalogue, "after of 129 characters", (_, i) => CataloguePage($"after={Long(i)}")),
        new(Catalogue, "control character in after", (_, _) => CataloguePage("after=a%00b")),
        new(Catalogue, "after given twice", (_, _) => CataloguePage("after=a&after=b")),
        new(Catalogue, "category of 129 characters", (_, i) => CataloguePage($"category={Long(i)}")),
        new(Catalogue, "no key", (_, _) => CataloguePage("", Unauthorized) with { Keys = [] }),
        new(Catalogue, "catalog key", (_, _) => CataloguePage("", Forbidden, C)),
        new(Catalogue, "privacy key", (_, _) => CataloguePage("", Forbidden, P)),
        new(Catalogue, "POST", (_, _) => CataloguePage("", MethodNotAllowed) with { Method = "POST", Body = "{}" }),

        new(Similar, "count=0", (_, i) => Similarity(i, "count=0")),
        new(Similar, "count=101", (_, i) => Similarity(i, "count=101")),
        new(Similar, "count=abc", (_, i) => Similarity(i, "count=abc")),
        new(Similar, "count=1.5", (_, i) => Similarity(i, "count=1.5")),
        new(Similar, "no key", (_, i) => Similarity(i, "", Unauthorized) with { Keys = [] }),
        new(Similar, "privacy key", (_, i) => Similarity(i, "", Forbidden, P)),
        new(Similar, "catalog key", (_, i) => Similarity(i, "", Forbidden, C)),
        new(Similar, "POST", (_, i) => Similarity(i, "", MethodNotAllowed) with { Method = "POST", Body = "{}" }),
    ];

    private static IEnumerable<Row> ItemRows() =>
    [
        new(PutItem, "truncated JSON", (_, i) => Item(i, """{"title":"t" """)),
        new(PutItem, "empty body", (_, i) => Item(i, "")),
        new(PutItem, "null body", (_, i) => Item(i, "null")),
        new(PutItem, "array body", (_, i) => Item(i, """[{"title":"t"}]""")),
        new(PutItem, "string body", (_, i) => Item(i, "\"t\"")),
        new(PutItem, "lone surrogate in a property name", (_, i) => Item(i, """{"title":"t","\udc00":1}""")),
        new(PutItem, "unknown property", (_, i) => Item(i, """{"title":"t","colour":"red"}""")),
        new(PutItem, "duplicate property in another case", (_, i) => Item(i, """{"title":"a","Title":"b"}""")),
        new(PutItem, "numeric title", (_, i) => Item(i, """{"title":5}""")),
        new(PutItem, "title an object", (_, i) => Item(i, """{"title":{"en":"t"}}""")),
        new(PutItem, "title of 513 characters", (_, i) => Item(i, $$"""{"title":"{{new string('t', 513)}}"}""")),
        new(PutItem, "NUL in title", (_, i) => Item(i, """{"title":"a\u0000b"}""")),
        new(PutItem, "lone surrogate in title", (_, i) => Item(i, """{"title":"a\udc00b"}""")),
        new(PutItem, "category of 129 characters", (_, i) => Item(i, $$"""{"category":"{{Long(i)}}"}""")),
        new(PutItem, "control character in category", (_, i) => Item(i, """{"category":"a\u0001b"}""")),
        new(PutItem, "SQL and a NUL in category", (_, i) => Item(i, """{"category":"' OR 1=1;--\u0000"}""")),
        new(PutItem, "blank category", (_, i) => Item(i, """{"category":"  "}""")),
        new(PutItem, "category an array", (_, i) => Item(i, """{"category":["a"]}""")),
        new(PutItem, "tags an object", (_, i) => Item(i, """{"tags":{"a":1}}""")),
        new(PutItem, "tags a string", (_, i) => Item(i, """{"tags":"a,b"}""")),
        new(PutItem, "51 tags", (_, i) => Item(i, $$"""{"tags":[{{string.Join(',', Enumerable.Range(0, 51).Select(n => $"\"t{n}\""))}}]}""")),
        new(PutItem, "tag of 65 characters", (_, i) => Item(i, $$"""{"tags":["{{new string('t', 65)}}"]}""")),
        new(PutItem, "numeric tag", (_, i) => Item(i, """{"tags":[1]}""")),
        new(PutItem, "newline in tag", (_, i) => Item(i, """{"tags":["a\nb"]}""")),
        new(PutItem, "deeply nested tags", (_, i) => Item(i, $$"""{"tags":{{Nested(30, "\"t\"")}}}""")),
        new(PutItem, "price a string", (_, i) => Item(i, """{"price":"12.5"}""")),
        new(PutItem, "negative price", (_, i) => Item(i, """{"price":-0.01}""")),
        new(PutItem, "price 1e400", (_, i) => Item(i, """{"price":1e400}""")),
        new(PutItem, "bare NaN price", (_, i) => Item(i, """{"price":NaN}""")),
        new(PutItem, "bare Infinity price", (_, i) => Item(i, """{"price":Infinity}""")),
        new(PutItem, "price 'Infinity'", (_, i) => Item(i, """{"price":"Infinity"}""")),
        new(PutItem, "available 'yes'", (_, i) => Item(i, """{"available":"yes"}""")),
        new(PutItem, "available 1", (_, i) => Item(i, """{"available":1}""")),
        new(PutItem, "body over 1 MiB", (_, i) => Item(i, Over(1024 * 1024, """{"title":"t"}"""), RequestEntityTooLarge)),
        new(PutItem, "text/plain", (_, i) => Item(i, """{"title":"t"}""", UnsupportedMediaType) with { ContentType = "text/plain" }),
        new(PutItem, "XML", (_, i) => Item(i, "<item><title>t</title></item>", UnsupportedMediaType) with { ContentType = "application/xml" }),
        new(PutItem, "no body", (_, i) => Item(i, null, UnsupportedMediaType)),
        new(PutItem, "no key", (_, i) => Item(i, """{"title":"t"}""", Unauthorized) with { Keys = [] }),
        new(PutItem, "admin key in the wrong case", (_, i) => Item(i, """{"title":"t"}""", Unauthorized, A.ToUpperInvariant())),
        new(PutItem, "storefront key", (_, i) => Item(i, """{"title":"t"}""", Forbidden, S)),
        new(PutItem, "privacy key", (_, i) => Item(i, """{"title":"t"}""", Forbidden, P)),
        new(PutItem, "PATCH", (_, i) => Item(i, """{"title":"t"}""", MethodNotAllowed) with { Method = "PATCH" }),
        new(PutItem, "POST", (_, i) => Item(i, """{"title":"t"}""", MethodNotAllowed) with { Method = "POST" }),
        new(PutItem, "DELETE", (_, i) => Item(i, null, MethodNotAllowed) with { Method = "DELETE" }),
    ];

    private static IEnumerable<Row> PrivacyRows() =>
    [
        new(Profile, "truncated JSON", (u, _) => PutProfile(u, """{"attributes":{"name":"x"}""")),
        new(Profile, "empty body", (u, _) => PutProfile(u, "")),
        new(Profile, "null body", (u, _) => PutProfile(u, "null")),
        new(Profile, "array body", (u, _) => PutProfile(u, """[{"attributes":{}}]""")),
        new(Profile, "missing attributes", (u, _) => PutProfile(u, "{}")),
        new(Profile, "attributes an array", (u, _) => PutProfile(u, """{"attributes":[["name","x"]]}""")),
        new(Profile, "attributes null", (u, _) => PutProfile(u, """{"attributes":null}""")),
        new(Profile, "lone surrogate in an attribute name", (u, _) => PutProfile(u, """{"attributes":{"a\ud800":"x"}}""")),
        new(Profile, "lone surrogate in a property name", (u, _) => PutProfile(u, """{"attributes":{},"\ud800":1}""")),
        new(Profile, "unknown property", (u, _) => PutProfile(u, """{"attributes":{},"extra":1}""")),
        new(Profile, "attributes given twice", (u, _) => PutProfile(u, """{"attributes":{"name":"x"},"ATTRIBUTES":{}}""")),
        new(Profile, "numeric value", (u, _) => PutProfile(u, """{"attributes":{"age":42}}""")),
        new(Profile, "null value", (u, _) => PutProfile(u, """{"attributes":{"name":null}}""")),
        new(Profile, "object value", (u, _) => PutProfile(u, """{"attributes":{"address":{"city":"x"}}}""")),
        new(Profile, "65 attributes", (u, _) => PutProfile(u, $$$"""{"attributes":{{{{string.Join(',', Enumerable.Range(0, 65).Select(n => $"\"a{n}\":\"v\""))}}}}}""")),
        new(Profile, "value of 1,025 characters", (u, _) => PutProfile(u, $$$"""{"attributes":{"name":"{{{new string('v', 1025)}}}"}}""")),
        new(Profile, "NUL in value", (u, _) => PutProfile(u, """{"attributes":{"name":"a\u0000b"}}""")),
        new(Profile, "script with a newline in value", (u, _) => PutProfile(u, """{"attributes":{"name":"<script>\nalert(1)</script>"}}""")),
        new(Profile, "lone surrogate in value", (u, _) => PutProfile(u, """{"attributes":{"name":"a\ud800"}}""")),
        new(Profile, "script as attribute name", (u, _) => PutProfile(u, """{"attributes":{"<script>":"x"}}""")),
        new(Profile, "SQL as attribute name", (u, _) => PutProfile(u, """{"attributes":{"'; DROP TABLE users;--":"x"}}""")),
        new(Profile, "attribute name of 65 characters", (u, _) => PutProfile(u, $$$"""{"attributes":{"{{{new string('n', 65)}}}":"x"}}""")),
        new(Profile, "duplicate attribute name", (u, _) => PutProfile(u, """{"attributes":{"name":"x","name":"y"}}""")),
        new(Profile, "deeply nested value", (u, _) => PutProfile(u, $$$"""{"attributes":{"name":{{{Nested(30, "\"x\"")}}}}}""")),
        new(Profile, "body over 16 KiB", (u, _) => PutProfile(u, Over(16 * 1024, GoodProfile), RequestEntityTooLarge)),
        new(Profile, "chunked body over 16 KiB", (u, _) => PutProfile(u, Over(16 * 1024, GoodProfile), RequestEntityTooLarge) with { Chunked = true }),
        new(Profile, "text/plain", (u, _) => PutProfile(u, GoodProfile, UnsupportedMediaType) with { ContentType = "text/plain" }),
        new(Profile, "no body", (u, _) => PutProfile(u, null, UnsupportedMediaType)),
        new(Profile, "no key", (u, _) => PutProfile(u, GoodProfile, Unauthorized) with { Keys = [] }),
        new(Profile, "storefront key", (u, _) => PutProfile(u, GoodProfile, Forbidden, S)),
        new(Profile, "catalog key", (u, _) => PutProfile(u, GoodProfile, Forbidden, C)),
        new(Profile, "POST", (u, _) => PutProfile(u, GoodProfile, MethodNotAllowed) with { Method = "POST" }),

        new(Export, "an id never seen", (u, _) => new Hostile(NotFound, "GET", $"/v1/users/{u}/export", P) { Users = [u] }),
        new(Export, "no key", (u, _) => new Hostile(Unauthorized, "GET", $"/v1/users/{u}/export") { Users = [u] }),
        new(Export, "two key headers", (u, _) => new Hostile(Unauthorized, "GET", $"/v1/users/{u}/export", P, P) { Users = [u] }),
        new(Export, "storefront key", (u, _) => new Hostile(Forbidden, "GET", $"/v1/users/{u}/export", S) { Users = [u] }),
        new(Export, "catalog key", (u, _) => new Hostile(Forbidden, "GET", $"/v1/users/{u}/export", C) { Users = [u] }),
        new(Export, "POST", (u, _) => new Hostile(MethodNotAllowed, "POST", $"/v1/users/{u}/export", P) { Users = [u], Body = "{}" }),

        new(Consent, "missing personalization", (u, _) => PutConsent(u, "{}")),
        new(Consent, "null personalization", (u, _) => PutConsent(u, """{"personalization":null}""")),
        new(Consent, "personalization 'false'", (u, _) => PutConsent(u, """{"personalization":"false"}""")),
        new(Consent, "personalization 0", (u, _) => PutConsent(u, """{"personalization":0}""")),
        new(Consent, "personalization 1e400", (u, _) => PutConsent(u, """{"personalization":1e400}""")),
        new(Consent, "bare NaN personalization", (u, _) => PutConsent(u, """{"personalization":NaN}""")),
        new(Consent, "lone surrogate in a property name", (u, _) => PutConsent(u, """{"personalization":false,"\ud800":1}""")),
        new(Consent, "two JSON values", (u, _) => PutConsent(u, GoodConsent + GoodConsent)),
        new(Consent, "unknown property", (u, _) => PutConsent(u, """{"personalization":false,"marketing":false}""")),
        new(Consent, "duplicate property", (u, _) => PutConsent(u, """{"personalization":true,"personalization":false}""")),
        new(Consent, "array body", (u, _) => PutConsent(u, """[{"personalization":false}]""")),
        new(Consent, "bare boolean", (u, _) => PutConsent(u, "false")),
        new(Consent, "truncated JSON", (u, _) => PutConsent(u, """{"personalization":false""")),
        new(Consent, "empty body", (u, _) => PutConsent(u, "")),
        new(Consent, "body over 4 KiB", (u, _) => PutConsent(u, Over(4 * 1024, GoodConsent), RequestEntityTooLarge)),
        new(Consent, "text/plain", (u, _) => PutConsent(u, GoodConsent, UnsupportedMediaType) with { ContentType = "text/plain" }),
        new(Consent, "no body", (u, _) => PutConsent(u, null, UnsupportedMediaType)),
        new(Consent, "no key", (u, _) => PutConsent(u, GoodConsent, Unauthorized) with { Keys = [] }),
        new(Consent, "storefront key", (u, _) => PutConsent(u, GoodConsent, Forbidden, S)),
        new(Consent, "catalog key", (u, _) => PutConsent(u, GoodConsent, Forbidden, C)),
        new(Consent, "POST", (u, _) => PutConsent(u, GoodConsent, MethodNotAllowed) with { Method = "POST" }),

        new(Erase, "no key", (u, _) => new Hostile(Unauthorized, "DELETE", $"/v1/users/{u}") { Users = [u], SeedUser = true }),
        new(Erase, "unknown key", (u, _) => new Hostile(Unauthorized, "DELETE", $"/v1/users/{u}", "not-a-key") { Users = [u], SeedUser = true }),
        new(Erase, "two key headers", (u, _) => new Hostile(Unauthorized, "DELETE", $"/v1/users/{u}", P, A) { Users = [u], SeedUser = true }),
        new(Erase, "storefront key", (u, _) => new Hostile(Forbidden, "DELETE", $"/v1/users/{u}", S) { Users = [u], SeedUser = true }),
        new(Erase, "catalog key", (u, _) => new Hostile(Forbidden, "DELETE", $"/v1/users/{u}", C) { Users = [u], SeedUser = true }),
        new(Erase, "PATCH", (u, _) => new Hostile(MethodNotAllowed, "PATCH", $"/v1/users/{u}", P) { Users = [u], SeedUser = true, Body = "{}" }),
    ];

    private static Hostile ReceiptGet(string receiptId, HttpStatusCode status = BadRequest, string key = A) =>
        new(status, "GET", $"/v1/admin/erasures/{receiptId}", key);

    private static IEnumerable<Row> AdminRows() =>
    [
        // A receipt is written only by an erasure; these rows name a receipt id no erasure has, or none that parses.
        new(Receipt, "not a GUID", (_, _) => ReceiptGet("not-a-guid")),
        new(Receipt, "the N form", (_, _) => ReceiptGet($"{Guid.NewGuid():N}")),
        new(Receipt, "the B form, encoded", (_, _) => ReceiptGet(Uri.EscapeDataString($"{Guid.NewGuid():B}"))),
        new(Receipt, "one digit short", (_, _) => ReceiptGet($"{Guid.NewGuid():D}"[..^1])),
        new(Receipt, "SQL, encoded", (_, _) => ReceiptGet(Uri.EscapeDataString("' OR 1=1--"))),
        new(Receipt, "% without hex digits", (_, _) => ReceiptGet("%zz")),
        new(Receipt, "an unknown receipt", (_, _) =>
        {
            var receipt = Guid.NewGuid();
            return ReceiptGet($"{receipt:D}", NotFound) with { Receipt = receipt };
        }),
        new(Receipt, "no key", (_, _) => ReceiptGet($"{Guid.NewGuid():D}", Unauthorized) with { Keys = [] }),
        new(Receipt, "privacy key", (_, _) => ReceiptGet($"{Guid.NewGuid():D}", Forbidden, P)),
        new(Receipt, "storefront key", (_, _) => ReceiptGet($"{Guid.NewGuid():D}", Forbidden, S)),
        new(Receipt, "DELETE", (_, _) => ReceiptGet($"{Guid.NewGuid():D}", MethodNotAllowed) with { Method = "DELETE" }),

        new(Verify, "not a GUID", (u, _) =>
            new Hostile(BadRequest, "POST", "/v1/admin/erasures/not-a-guid/verify", A) { Body = $$"""{"userId":"{{u}}"}""", Users = [u] }),
        new(Verify, "an unknown receipt", (u, _) => PostVerify($$"""{"userId":"{{u}}"}""", NotFound, users: [u])),
        new(Verify, "missing userId", (_, _) => PostVerify("{}")),
        new(Verify, "null userId", (_, _) => PostVerify("""{"userId":null}""")),
        new(Verify, "numeric userId", (_, _) => PostVerify("""{"userId":42}""")),
        new(Verify, "empty userId", (_, _) => PostVerify("""{"userId":""}""")),
        new(Verify, "userId '..'", (_, _) => PostVerify("""{"userId":".."}""")),
        new(Verify, "userId of 129 characters", (u, _) => PostVerify($$"""{"userId":"{{Long(u)}}"}""", users: [Long(u)])),
        new(Verify, "control character in userId", (u, _) => PostVerify($$"""{"userId":"{{u}}\u0001"}""", users: [u + "\u0001"])),
        new(Verify, "lone surrogate in userId", (u, _) => PostVerify($$"""{"userId":"{{u}}\ud800"}""", users: [u + "\uFFFD"])),
        new(Verify, "lone surrogate in a property name", (u, _) => PostVerify($$"""{"userId":"{{u}}","\udfff":1}""", users: [u])),
        new(Verify, "unknown property", (u, _) => PostVerify($$"""{"userId":"{{u}}","hash":"00"}""", users: [u])),
        new(Verify, "duplicate property", (u, _) => PostVerify($$"""{"userId":"{{u}}","UserId":"{{u}}"}""", users: [u])),
        new(Verify, "array body", (u, _) => PostVerify($$"""["{{u}}"]""", users: [u])),
        new(Verify, "truncated JSON", (_, _) => PostVerify("""{"userId":""")),
        new(Verify, "empty body", (_, _) => PostVerify("")),
        new(Verify, "body over 4 KiB", (u, _) => PostVerify(Over(4 * 1024, $$"""{"userId":"{{u}}"}"""), RequestEntityTooLarge, users: [u])),
        new(Verify, "text/plain", (u, _) => PostVerify($$"""{"userId":"{{u}}"}""", UnsupportedMediaType, users: [u]) with { ContentType = "text/plain" }),
        new(Verify, "no body", (_, _) => PostVerify(null, UnsupportedMediaType)),
        new(Verify, "no key", (u, _) => PostVerify($$"""{"userId":"{{u}}"}""", Unauthorized, users: [u]) with { Keys = [] }),
        new(Verify, "privacy key", (u, _) => PostVerify($$"""{"userId":"{{u}}"}""", Forbidden, P, users: [u])),
        new(Verify, "GET", (_, _) => PostVerify(null, MethodNotAllowed) with { Method = "GET" }),

        // Rewrapping and training take no input but the key and, for training, wait: what they could change is the
        // trainer's status, which every row checks, and key wrappings, which only an admin request reaches.
        new(Rewrap, "no key", (_, _) => new Hostile(Unauthorized, "POST", "/v1/admin/keys/rewrap")),
        new(Rewrap, "unknown key", (_, _) => new Hostile(Unauthorized, "POST", "/v1/admin/keys/rewrap", "not-a-key")),
        new(Rewrap, "two key headers", (_, _) => new Hostile(Unauthorized, "POST", "/v1/admin/keys/rewrap", A, A)),
        new(Rewrap, "storefront key", (_, _) => new Hostile(Forbidden, "POST", "/v1/admin/keys/rewrap", S)),
        new(Rewrap, "catalog key", (_, _) => new Hostile(Forbidden, "POST", "/v1/admin/keys/rewrap", C)),
        new(Rewrap, "privacy key", (_, _) => new Hostile(Forbidden, "POST", "/v1/admin/keys/rewrap", P)),
        new(Rewrap, "GET", (_, _) => new Hostile(MethodNotAllowed, "GET", "/v1/admin/keys/rewrap", A)),

        new(Model, "no key", (_, _) => new Hostile(Unauthorized, "GET", "/v1/admin/model")),
        new(Model, "catalog key", (_, _) => new Hostile(Forbidden, "GET", "/v1/admin/model", C)),
        new(Model, "DELETE", (_, _) => new Hostile(MethodNotAllowed, "DELETE", "/v1/admin/model", A)),

        new(Train, "wait=maybe", (_, _) => new Hostile(BadRequest, "POST", "/v1/admin/model/train?wait=maybe", A)),
        new(Train, "wait=1", (_, _) => new Hostile(BadRequest, "POST", "/v1/admin/model/train?wait=1", A)),
        new(Train, "empty wait", (_, _) => new Hostile(BadRequest, "POST", "/v1/admin/model/train?wait=", A)),
        new(Train, "wait given twice", (_, _) => new Hostile(BadRequest, "POST", "/v1/admin/model/train?wait=true&wait=false", A)),
        new(Train, "no key", (_, _) => new Hostile(Unauthorized, "POST", "/v1/admin/model/train")),
        new(Train, "storefront key", (_, _) => new Hostile(Forbidden, "POST", "/v1/admin/model/train", S)),
        new(Train, "privacy key", (_, _) => new Hostile(Forbidden, "POST", "/v1/admin/model/train", P)),
        new(Train, "GET", (_, _) => new Hostile(MethodNotAllowed, "GET", "/v1/admin/model/train", A)),
    ];

    private static readonly Row[] Table = [.. EventRows(), .. ReadRows(), .. ItemRows(), .. PrivacyRows(), .. AdminRows(), .. BadPathIds()];

    /// <summary>Rows by label only: each run makes the row's request afresh with ids of its own.</summary>
    public static TheoryData<string> Rows() => new(Table.Select(r => r.Label));

    [Fact]
    public void The_table_holds_over_100_distinct_rows_and_reaches_every_endpoint()
    {
        Assert.True(Table.Length >= 100, $"{Table.Length} rows");
        Assert.Equal(Table.Length, Table.Select(r => r.Label).Distinct().Count());
        Assert.Equal(AllEndpoints.Order(), Table.Select(r => r.Endpoint).Distinct().Order());
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task A_hostile_request_answers_its_4xx_problem_and_stores_nothing(string row)
    {
        var hostile = Table.Single(r => r.Label == row).Make(Http.Unique("hu"), Http.Unique("hi"));
        Assert.InRange((int)hostile.Status, 400, 499);
        var seedItem = Http.Unique("seed");
        if (hostile.SeedUser)
        {
            var seeded = await fixture.Gateway.CreateClient(S).PostEvents(Http.Event(hostile.Users[0], seedItem));
            Assert.Equal(Accepted, seeded.StatusCode);
        }
        // A seeded shopper goes on writing its own delivery bookkeeping after the 202 (at checkpoint pace), so it is
        // checked by its history instead of its write count.
        var users = hostile.Users.Where(u => !(hostile.SeedUser && u == hostile.Users[0])).Distinct().ToList();
        var writesBefore = users.ToDictionary(u => u, Writes);
        var trainer = fixture.Grains.GetGrain<IEmbeddingTrainerGrain>(0);
        var trainedBefore = (await trainer.GetStatus()).LastAttempt;

        using var client = new HttpClient { BaseAddress = fixture.Gateway.BaseAddress };
        using var response = await client.SendAsync(Request(hostile));

        var problem = await response.AssertProblem(hostile.Status);
        if (hostile.Status == BadRequest && problem.TryGetProperty("errors", out var errors))
        {
            Assert.InRange(errors.EnumerateObject().Count(), 1, 20);
        }
        foreach (var user in users)
        {
            Assert.True(writesBefore[user] == Writes(user), $"user {Printable(user)} was written");
        }
        if (hostile.SeedUser)
        {
            var context = await fixture.Grains.GetGrain<IUserGrain>(fixture.Gateway.Pseudonymizer.Pseudonymize(hostile.Users[0])).GetContext();
            Assert.True(context.History.Any(h => h.ItemId == seedItem), "the seeded shopper lost their history");
        }
        // Orleans takes no blank string as a grain key, so a blank item id can name no item to store anything in.
        foreach (var item in hostile.Items.Where(i => !string.IsNullOrWhiteSpace(i)))
        {
            var grain = fixture.Grains.GetGrain<IItemGrain>(item);
            Assert.True(await grain.GetDetails() is null, $"item {Printable(item)} has details");
            Assert.True((await grain.GetCounts()).Occurrence == 0, $"item {Printable(item)} has occurrences");
        }
        if (hostile.Receipt is { } receipt)
        {
            Assert.Null(await fixture.Grains.GetGrain<IErasureReceiptGrain>(receipt).Get());
        }
        Assert.Equal(trainedBefore, (await trainer.GetStatus()).LastAttempt);
    }

    private int Writes(string userId) => fixture.StorageFaults.StateWrites(fixture.Gateway.Pseudonymizer.Pseudonymize(userId));

    private static string Printable(string id) => id.Length > 40 ? id[..40] + "…" : id.Replace("\0", "\\0");

    private HttpRequestMessage Request(Hostile hostile)
    {
        // Sent as written: .NET's Uri would otherwise decode escapes and remove dot segments before they leave the client.
        var uri = new Uri(fixture.Gateway.BaseAddress + hostile.Target.TrimStart('/'),
            new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        var request = new HttpRequestMessage(new HttpMethod(hostile.Method), uri);
        foreach (var key in hostile.Keys)
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", key);
        }
        if (hostile.Body is { } body)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            HttpContent content = hostile.Chunked ? new StreamContent(new NonSeekableStream(bytes)) : new ByteArrayContent(bytes);
            if (hostile.ContentType is { } mediaType)
            {
                content.Headers.ContentType = new(mediaType);
            }
            request.Content = content;
        }
        return request;
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
