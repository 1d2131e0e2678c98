using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OrleansReco.Gateway.Contracts;
using Xunit;

namespace OrleansReco.GatewayTests;

/// <summary>Every bad privacy or admin request answers 4xx problem details and changes nothing.</summary>
[Collection(GatewayCollection.Name)]
public sealed class PrivacyValidationTests(GatewayFixture fixture)
{
    private readonly HttpClient privacy = fixture.Gateway.CreateClient(GatewayHost.PrivacyKey);
    private readonly HttpClient admin = fixture.Gateway.CreateClient(GatewayHost.AdminKey);

    private static string Attributes(int count, int valueLength = 1) =>
        JsonSerializer.Serialize(new { attributes = Enumerable.Range(0, count).ToDictionary(i => $"a{i}", _ => new string('v', valueLength)) });

    /// <summary>A user with a profile, a history item and consent, so that any change would show in the export.</summary>
    private async Task<(string User, UserExportResponse Export)> KnownUser()
    {
        var user = Http.Unique("user");
        var storefront = fixture.Gateway.CreateClient(GatewayHost.StorefrontKey);
        Assert.Equal(HttpStatusCode.Accepted, (await storefront.PostEvents(Http.Event(user, Http.Unique("item")))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent,
            (await privacy.PutAsJsonAsync($"/v1/users/{user}/profile", new { attributes = new { name = "before", city = "Oslo" } })).StatusCode);
        return (user, await Export(user));
    }

    private async Task<UserExportResponse> Export(string user) =>
        await (await privacy.GetAsync($"/v1/users/{user}/export")).AssertOk<UserExportResponse>();

    private async Task AssertUnchanged(string user, UserExportResponse before)
    {
        var after = await Export(user);
        Assert.Equal(before.Profile, after.Profile);
        Assert.Equal(before.Consent, after.Consent);
        Assert.Equal(before.History, after.History);
    }

    public static TheoryData<string, string> BadProfiles()
    {
        var data = new TheoryData<string, string>
        {
            { "malformed JSON", """{"attributes":{"name":"x"}""" },
            { "trailing comma", """{"attributes":{"name":"x",}}""" },
            { "comment", """{"attributes":{"name":"x"} /* hi */}""" },
            { "not JSON", "name=x" },
            { "null body", "null" },
            { "array body", """[{"attributes":{}}]""" },
            { "string body", "\"x\"" },
            { "unknown field", """{"attributes":{"name":"x"},"extra":1}""" },
            { "missing attributes", "{}" },
            { "null attributes", """{"attributes":null}""" },
            { "attributes an array", """{"attributes":[["name","x"]]}""" },
            { "attributes a string", """{"attributes":"name=x"}""" },
            { "attributes given twice", """{"attributes":{"name":"x"},"Attributes":{"name":"y"}}""" },
            { "number value", """{"attributes":{"name":"x","age":42}}""" },
            { "boolean value", """{"attributes":{"vip":true}}""" },
            { "null value", """{"attributes":{"name":null}}""" },
            { "object value", """{"attributes":{"address":{"city":"x"}}}""" },
            { "array value", """{"attributes":{"tags":["a"]}}""" },
            { "65 attributes", Attributes(65) },
            { "value of 1,025 characters", Attributes(1, 1025) },
            { "control character in value", """{"attributes":{"name":"a\u0001b"}}""" },
            { "newline in value", """{"attributes":{"name":"a\nb"}}""" },
            { "tab in value", """{"attributes":{"name":"a\tb"}}""" },
            { "DEL in value", """{"attributes":{"name":"a\u007fb"}}""" },
            { "C1 control in value", """{"attributes":{"name":"a\u0085b"}}""" },
            { "lone surrogate in value", """{"attributes":{"name":"a\ud800b"}}""" },
            { "empty name", """{"attributes":{"":"x"}}""" },
            { "name of 65 characters", $$$"""{"attributes":{"{{{new string('n', 65)}}}":"x"}}""" },
            { "space in name", """{"attributes":{"first name":"x"}}""" },
            { "non-ASCII name", """{"attributes":{"naïve":"x"}}""" },
            { "control character in name", """{"attributes":{"a\u0001":"x"}}""" },
            { "slash in name", """{"attributes":{"a/b":"x"}}""" },
            { "duplicate name", """{"attributes":{"name":"x","name":"y"}}""" },
            { "one bad attribute among good ones", """{"attributes":{"name":"new","city":"new","age":1}}""" },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(BadProfiles))]
    public async Task A_bad_profile_answers_400_and_the_profile_is_unchanged(string because, string body)
    {
        var (user, before) = await KnownUser();

        var response = await privacy.PutAsync($"/v1/users/{user}/profile", Http.Json(body));

        var problem = await response.AssertProblem(HttpStatusCode.BadRequest);
        Assert.NotNull(because);
        Assert.DoesNotContain("before", problem.GetRawText()); // problem details never echo profile values
        await AssertUnchanged(user, before);
    }

    [Fact]
    public async Task Field_errors_name_the_attribute_but_not_its_value()
    {
        var (user, _) = await KnownUser();
        var response = await privacy.PutAsync($"/v1/users/{user}/profile", Http.Json("""{"attributes":{"secret":"s3cr3t\u0001"}}"""));
        var problem = await response.AssertProblem(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("attributes.secret", out _));
        Assert.DoesNotContain("s3cr3t", problem.GetRawText());
    }

    [Fact]
    public async Task The_profile_limits_are_accepted_at_their_bounds()
    {
        var (user, _) = await KnownUser();
        var name = new string('n', 64);
        var atBounds = JsonSerializer.Serialize(new
        {
            attributes = new Dictionary<string, string>(Enumerable.Range(0, 63).Select(i => KeyValuePair.Create($"a{i}", "v")))
            {
                [name] = new string('v', 1024),
            },
        });
        Assert.True(Encoding.UTF8.GetByteCount(atBounds) <= 16 * 1024);

        Assert.Equal(HttpStatusCode.NoContent, (await privacy.PutAsync($"/v1/users/{user}/profile", Http.Json(atBounds))).StatusCode);

        var profile = (await Export(user)).Profile;
        Assert.Equal(64, profile.Count);
        Assert.Equal(1024, profile[name].Length);
    }

    [Fact]
    public async Task A_profile_body_over_16_KiB_answers_413_and_changes_nothing()
    {
        var (user, before) = await KnownUser();
        // 20 valid attributes of 1,000 characters: valid by every other rule, but about 20 KB.
        var body = Attributes(20, 1000);
        Assert.True(Encoding.UTF8.GetByteCount(body) > 16 * 1024);

        await (await privacy.PutAsync($"/v1/users/{user}/profile", Http.Json(body))).AssertProblem(HttpStatusCode.RequestEntityTooLarge);

        // Sent chunked, without Content-Length, the limit is found while reading.
        var content = new StreamContent(new NonSeekableStream(Encoding.UTF8.GetBytes(body)));
        content.Headers.ContentType = new("application/json");
        await (await privacy.PutAsync($"/v1/users/{user}/profile", content)).AssertProblem(HttpStatusCode.RequestEntityTooLarge);
        await AssertUnchanged(user, before);
    }

    [Fact]
    public async Task A_non_JSON_profile_answers_415_and_changes_nothing()
    {
        var (user, before) = await KnownUser();
        var content = new StringContent("""{"attributes":{"name":"x"}}""", Encoding.UTF8, "text/plain");
        await (await privacy.PutAsync($"/v1/users/{user}/profile", content)).AssertProblem(HttpStatusCode.UnsupportedMediaType);
        await (await privacy.PutAsync($"/v1/users/{user}/profile", null)).AssertProblem(HttpStatusCode.UnsupportedMediaType);
        await AssertUnchanged(user, before);
    }

    [Theory]
    [InlineData("missing personalization", "{}")]
    [InlineData("null personalization", """{"personalization":null}""")]
    [InlineData("string personalization", """{"personalization":"false"}""")]
    [InlineData("numeric personalization", """{"personalization":0}""")]
    [InlineData("object personalization", """{"personalization":{}}""")]
    [InlineData("unknown field", """{"personalization":false,"marketing":false}""")]
    [InlineData("given twice", """{"personalization":true,"personalization":false}""")]
    [InlineData("array body", """[{"personalization":false}]""")]
    [InlineData("bare boolean", "false")]
    [InlineData("malformed JSON", """{"personalization":false""")]
    [InlineData("empty body", "")]
    public async Task A_bad_consent_answers_400_and_changes_nothing(string because, string body)
    {
        var (user, before) = await KnownUser();

        await (await privacy.PutAsync($"/v1/users/{user}/consent", Http.Json(body))).AssertProblem(HttpStatusCode.BadRequest);

        Assert.NotNull(because);
        await AssertUnchanged(user, before);
        Assert.True(before.Consent.Personalization);
    }

    [Fact]
    public async Task An_oversized_consent_body_answers_413()
    {
        var (user, before) = await KnownUser();
        var body = """{"personalization":false}""" + new string(' ', 8 * 1024);
        await (await privacy.PutAsync($"/v1/users/{user}/consent", Http.Json(body))).AssertProblem(HttpStatusCode.RequestEntityTooLarge);
        await AssertUnchanged(user, before);
    }

    /// <summary>Bad user ids in the path of every privacy endpoint.</summary>
    public static TheoryData<string, string, string?> BadIds()
    {
        var data = new TheoryData<string, string, string?>();
        foreach (var id in new[] { new string('x', 129), "a%01b", "%20%20", "a%0Ab", "a%7Fb" })
        {
            data.Add("PUT", $"/v1/users/{id}/profile", """{"attributes":{"name":"x"}}""");
            data.Add("GET", $"/v1/users/{id}/export", null);
            data.Add("PUT", $"/v1/users/{id}/consent", """{"personalization":false}""");
            data.Add("DELETE", $"/v1/users/{id}", null);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BadIds))]
    public async Task A_bad_user_id_answers_400(string method, string path, string? body)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : Http.Json(body) };
        var problem = await (await privacy.SendAsync(request)).AssertProblem(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("userId", out _));
    }

    [Theory]
    [InlineData("PUT", "/v1/users//profile")]
    [InlineData("GET", "/v1/users//export")]
    [InlineData("PUT", "/v1/users//consent")]
    [InlineData("DELETE", "/v1/users/")]
    public async Task An_empty_user_id_answers_4xx_problem_details(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "PUT" ? Http.Json("{}") : null };
        var response = await privacy.SendAsync(request);
        Assert.InRange((int)response.StatusCode, 400, 499);
        await response.AssertProblem(response.StatusCode);
    }

    [Fact]
    public async Task An_id_of_exactly_128_characters_is_accepted()
    {
        var user = Http.Unique("user").PadRight(128, 'p');
        Assert.Equal(HttpStatusCode.NoContent,
            (await privacy.PutAsJsonAsync($"/v1/users/{user}/consent", new { personalization = true })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await privacy.GetAsync($"/v1/users/{user}/export")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await privacy.DeleteAsync($"/v1/users/{user}")).StatusCode);
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("1234")]
    [InlineData("3f2504e04f8941d39a0c0305e82c3301")] // the N form: receipts are addressed in the D form only
    [InlineData("{3f2504e0-4f89-41d3-9a0c-0305e82c3301}")]
    [InlineData("3f2504e0-4f89-41d3-9a0c-0305e82c330")]
    [InlineData("3f2504e0-4f89-41d3-9a0c-0305e82c3301x")]
    public async Task A_bad_receipt_id_answers_400(string receiptId)
    {
        var escaped = Uri.EscapeDataString(receiptId);
        var problem = await (await admin.GetAsync($"/v1/admin/erasures/{escaped}")).AssertProblem(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("receiptId", out _));
        await (await admin.PostAsJsonAsync($"/v1/admin/erasures/{escaped}/verify", new { userId = "someone" })).AssertProblem(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("missing userId", "{}")]
    [InlineData("null userId", """{"userId":null}""")]
    [InlineData("numeric userId", """{"userId":42}""")]
    [InlineData("empty userId", """{"userId":""}""")]
    [InlineData("control character", """{"userId":"a\u0001b"}""")]
    [InlineData("userId no path can carry", """{"userId":".."}""")]
    [InlineData("unknown field", """{"userId":"someone","hash":"00"}""")]
    [InlineData("array body", """["someone"]""")]
    [InlineData("malformed JSON", """{"userId":""")]
    public async Task A_bad_verify_body_answers_400(string because, string body)
    {
        var user = Http.Unique("user");
        var receipt = await (await privacy.DeleteAsync($"/v1/users/{user}")).AssertOk<ErasureReceiptResponse>();

        await (await admin.PostAsync($"/v1/admin/erasures/{receipt.ReceiptId}/verify", Http.Json(body))).AssertProblem(HttpStatusCode.BadRequest);

        Assert.NotNull(because);
        var unchanged = await (await admin.GetAsync($"/v1/admin/erasures/{receipt.ReceiptId}")).AssertOk<ErasureReceiptResponse>();
        Assert.Equal(receipt, unchanged);
    }

    [Fact]
    public async Task An_over_long_verify_user_id_answers_400()
    {
        var receipt = await (await privacy.DeleteAsync($"/v1/users/{Http.Unique("user")}")).AssertOk<ErasureReceiptResponse>();
        await (await admin.PostAsJsonAsync($"/v1/admin/erasures/{receipt.ReceiptId}/verify", new { userId = new string('x', 129) }))
            .AssertProblem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Wrong_methods_answer_405_problem_details()
    {
        await (await privacy.PostAsync($"/v1/users/{Http.Unique("user")}/export", null)).AssertProblem(HttpStatusCode.MethodNotAllowed);
        await (await privacy.GetAsync($"/v1/users/{Http.Unique("user")}")).AssertProblem(HttpStatusCode.MethodNotAllowed);
        await (await admin.GetAsync("/v1/admin/keys/rewrap")).AssertProblem(HttpStatusCode.MethodNotAllowed);
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
