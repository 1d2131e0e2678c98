using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansReco.Gateway.Contracts;
using OrleansReco.Gateway.Privacy;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace OrleansReco.GatewayTests;

/// <summary>The privacy endpoints end to end, through the real grains.</summary>
[Collection(GatewayCollection.Name)]
public sealed class PrivacyTests(GatewayFixture fixture)
{
    private readonly HttpClient storefront = fixture.Gateway.CreateClient(GatewayHost.StorefrontKey);
    private readonly HttpClient privacy = fixture.Gateway.CreateClient(GatewayHost.PrivacyKey);
    private readonly HttpClient admin = fixture.Gateway.CreateClient(GatewayHost.AdminKey);

    private async Task<UserExportResponse> Export(string user)
    {
        var response = await privacy.GetAsync($"/v1/users/{user}/export");
        return await response.AssertOk<UserExportResponse>();
    }

    private async Task PutProfile(string user, object attributes) =>
        Assert.Equal(HttpStatusCode.NoContent, (await privacy.PutAsJsonAsync($"/v1/users/{user}/profile", new { attributes })).StatusCode);

    private async Task PutConsent(string user, bool personalization) =>
        Assert.Equal(HttpStatusCode.NoContent, (await privacy.PutAsJsonAsync($"/v1/users/{user}/consent", new { personalization })).StatusCode);

    private async Task Post(params string[] events) =>
        Assert.Equal(HttpStatusCode.Accepted, (await storefront.PostEvents(Http.Batch(events))).StatusCode);

    /// <summary>
    /// Each of <paramref name="users"/> new shoppers views every item of <paramref name="items"/>; item aggregates follow
    /// the acknowledgement, so this returns once every item holds their changes.
    /// </summary>
    private async Task ViewTogether(int users, params string[] items)
    {
        var shoppers = Enumerable.Range(0, users).Select(_ => Http.Unique("shopper")).ToList();
        await Post(shoppers.SelectMany(u => items.Select(i => Http.Event(u, i))).ToArray());
        await fixture.WaitForDeliveries(shoppers);
    }

    private async Task<ErasureReceiptResponse> Erase(string user)
    {
        var response = await privacy.DeleteAsync($"/v1/users/{user}");
        var receipt = await response.AssertOk<ErasureReceiptResponse>();
        Assert.Equal($"/v1/admin/erasures/{receipt.ReceiptId:D}", response.Headers.Location?.OriginalString);
        return receipt;
    }

    [Fact]
    public async Task A_profile_round_trips_through_export()
    {
        var user = Http.Unique("user");
        var attributes = new Dictionary<string, string>
        {
            ["name"] = "Zoë Example",
            ["Preferred.Size"] = "M",
            ["tier_2-x"] = "",
            ["bio"] = new string('b', 1024),
        };
        await PutProfile(user, attributes);

        var export = await Export(user);

        Assert.Equal(user, export.UserId);
        Assert.Equal(attributes.OrderBy(a => a.Key, StringComparer.Ordinal), export.Profile.OrderBy(a => a.Key, StringComparer.Ordinal));
        Assert.True(export.Consent.Personalization);
        Assert.Empty(export.History);
        Assert.Null(export.Embedding);
    }

    [Fact]
    public async Task A_profile_put_replaces_the_whole_profile()
    {
        var user = Http.Unique("user");
        await PutProfile(user, new { name = "A", city = "Bern" });
        await PutProfile(user, new { name = "B" });
        Assert.Equal(new Dictionary<string, string> { ["name"] = "B" }, (await Export(user)).Profile);

        await PutProfile(user, new { });
        Assert.Empty((await Export(user)).Profile);
    }

    [Fact]
    public async Task Export_shows_the_history_with_event_counts_and_times()
    {
        var (user, boots, socks) = (Http.Unique("user"), Http.Unique("boots"), Http.Unique("socks"));
        await Post(
            Http.Event(user, boots, "view", "2025-03-01T10:00:00Z"),
            Http.Event(user, boots, "view", "2025-03-01T10:05:00Z"),
            Http.Event(user, boots, "cart", "2025-03-01T10:06:00Z"),
            Http.Event(user, boots, "purchase", "2025-03-01T10:07:30+01:00"),
            Http.Event(user, socks, "view", "2025-03-02T08:00:00Z"));
        await PutProfile(user, new { name = "Ann" });

        var before = DateTimeOffset.UtcNow;
        var export = await Export(user);

        Assert.Equal(2, export.History.Count);
        var bought = Assert.Single(export.History, h => h.ItemId == boots);
        Assert.Equal((2, 1, 1), (bought.Views, bought.Carts, bought.Purchases));
        // Event time, not arrival order: 10:07:30+01:00 (09:07:30Z) is the earliest of the four.
        Assert.Equal(DateTimeOffset.Parse("2025-03-01T09:07:30Z"), bought.FirstSeen);
        Assert.Equal(DateTimeOffset.Parse("2025-03-01T10:06:00Z"), bought.LastSeen);
        Assert.True(bought.Affinity > 0);
        var viewed = Assert.Single(export.History, h => h.ItemId == socks);
        Assert.Equal((1, 0, 0), (viewed.Views, viewed.Carts, viewed.Purchases));
        Assert.Equal(DateTimeOffset.Parse("2025-03-02T08:00:00Z"), viewed.FirstSeen);
        Assert.Equal("Ann", export.Profile["name"]);
        Assert.True(export.ExportedAt >= before.AddMinutes(-5));
    }

    [Fact]
    public async Task Export_is_one_JSON_document_with_the_documented_members_and_is_not_cached()
    {
        var (user, item) = (Http.Unique("user"), Http.Unique("item"));
        await Post(Http.Event(user, item, "cart"));

        var response = await privacy.GetAsync($"/v1/users/{user}/export");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;
        Assert.Equal(
            ["consent", "embedding", "exportedAt", "history", "profile", "segment", "userId"],
            root.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(user, root.GetProperty("userId").GetString());
        Assert.True(root.GetProperty("consent").GetProperty("personalization").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("embedding").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("segment").ValueKind); // no vector: no segment
        var entry = Assert.Single(root.GetProperty("history").EnumerateArray());
        Assert.Equal(
            ["affinity", "carts", "firstSeen", "itemId", "lastSeen", "purchases", "views"],
            entry.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Export_of_an_unknown_user_answers_404_not_cached()
    {
        var response = await privacy.GetAsync($"/v1/users/{Http.Unique("stranger")}/export");
        await response.AssertProblem(HttpStatusCode.NotFound);
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Without_consent_recommendations_are_not_personalised_and_events_are_not_recorded()
    {
        var (camera, lens, bag) = (Http.Unique("camera"), Http.Unique("lens"), Http.Unique("bag"));
        await ViewTogether(3, camera, lens, bag);
        var user = Http.Unique("user");
        await Post(Http.Event(user, camera));
        var personal = await (await storefront.GetAsync($"/v1/users/{user}/recommendations")).AssertOk<RecommendationsResponse>();
        Assert.True(personal.Personalized);

        await PutConsent(user, false);

        var export = await Export(user);
        Assert.False(export.Consent.Personalization);
        Assert.Empty(export.History); // withdrawing consent also deletes the history held
        var generic = await (await storefront.GetAsync($"/v1/users/{user}/recommendations")).AssertOk<RecommendationsResponse>();
        Assert.False(generic.Personalized);
        Assert.All(generic.Items, i => Assert.Equal("popular", i.Reason));

        await Post(Http.Event(user, lens, "purchase")); // acknowledged, not recorded
        Assert.Empty((await Export(user)).History);
        Assert.False((await (await storefront.GetAsync($"/v1/users/{user}/recommendations")).AssertOk<RecommendationsResponse>()).Personalized);

        await PutConsent(user, true);
        await Post(Http.Event(user, camera));

        export = await Export(user);
        Assert.True(export.Consent.Personalization);
        Assert.Equal(camera, Assert.Single(export.History).ItemId);
        var again = await (await storefront.GetAsync($"/v1/users/{user}/recommendations")).AssertOk<RecommendationsResponse>();
        Assert.True(again.Personalized);
        Assert.Contains(again.Items, i => i.ItemId == lens && i.Reason == "similar" && i.Because == camera);
    }

    [Fact]
    public async Task Consent_false_keeps_the_profile()
    {
        var user = Http.Unique("user");
        await PutProfile(user, new { name = "Kim" });
        await PutConsent(user, false);
        var export = await Export(user);
        Assert.False(export.Consent.Personalization);
        Assert.Equal("Kim", export.Profile["name"]);
    }

    [Fact]
    public async Task Delete_answers_a_receipt_after_which_nothing_is_held()
    {
        var (user, a, b) = (Http.Unique("user"), Http.Unique("item"), Http.Unique("item"));
        await Post(Http.Event(user, a), Http.Event(user, b, "purchase"));
        await PutProfile(user, new { name = "Lee" });

        var before = DateTimeOffset.UtcNow.AddMinutes(-5);
        var response = await privacy.DeleteAsync($"/v1/users/{user}");
        var receipt = await response.AssertOk<ErasureReceiptResponse>();

        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal($"/v1/admin/erasures/{receipt.ReceiptId:D}", response.Headers.Location?.OriginalString);
        Assert.NotEqual(Guid.Empty, receipt.ReceiptId);
        Assert.Equal(2, receipt.HistoryItemsRetracted);
        Assert.True(receipt.ErasedAt >= before);
        Assert.Equal(22, receipt.Salt.Length);
        var hasher = fixture.Gateway.Services.GetRequiredService<ErasureReceiptHasher>();
        Assert.Equal(hasher.Hash(receipt.Salt, user), receipt.Hash);
        Assert.DoesNotContain(user, await response.Content.ReadAsStringAsync());

        await (await privacy.GetAsync($"/v1/users/{user}/export")).AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_twice_answers_two_receipts_the_second_retracting_nothing()
    {
        var (user, item) = (Http.Unique("user"), Http.Unique("item"));
        await Post(Http.Event(user, item));

        var first = await Erase(user);
        var second = await Erase(user);

        Assert.Equal(1, first.HistoryItemsRetracted);
        Assert.Equal(0, second.HistoryItemsRetracted);
        // The first erasure's retraining covers the shopper; the second had nothing to forget.
        Assert.True(first.ModelCleanBy >= first.ErasedAt);
        Assert.Null(second.ModelCleanBy);
        Assert.NotEqual(first.ReceiptId, second.ReceiptId);
        Assert.NotEqual(first.Salt, second.Salt);
        Assert.NotEqual(first.Hash, second.Hash); // two receipts of one id cannot be linked without the pepper
        await (await privacy.GetAsync($"/v1/users/{user}/export")).AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deleting_a_user_never_seen_answers_a_receipt_and_creates_nothing()
    {
        var user = Http.Unique("stranger");
        var receipt = await Erase(user);
        Assert.Equal(0, receipt.HistoryItemsRetracted);
        Assert.Null(receipt.ModelCleanBy);
        await (await privacy.GetAsync($"/v1/users/{user}/export")).AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_answers_after_the_retraction_from_every_item_aggregate()
    {
        var (boots, laces) = (Http.Unique("boots"), Http.Unique("laces"));
        await ViewTogether(2, boots, laces);
        var user = Http.Unique("user");
        await Post(Http.Event(user, boots), Http.Event(user, laces));
        await fixture.WaitForDeliveries([user]);
        var similar = await (await storefront.GetAsync($"/v1/items/{boots}/similar")).AssertOk<SimilarItemsResponse>();
        Assert.Equal(3, Assert.Single(similar.Items, i => i.ItemId == laces).Support);

        await Erase(user);

        // Read straight after DELETE answered: the pair is down to 2 shoppers, below the publishing threshold of 3.
        similar = await (await storefront.GetAsync($"/v1/items/{boots}/similar")).AssertOk<SimilarItemsResponse>();
        Assert.DoesNotContain(similar.Items, i => i.ItemId == laces);
    }

    [Fact]
    public async Task An_event_after_erasure_starts_a_new_empty_profile()
    {
        var (user, old, fresh) = (Http.Unique("user"), Http.Unique("item"), Http.Unique("item"));
        await Post(Http.Event(user, old));
        await PutProfile(user, new { name = "Old" });
        await PutConsent(user, true);
        await Erase(user);

        await Post(Http.Event(user, fresh));

        var export = await Export(user);
        Assert.Equal(fresh, Assert.Single(export.History).ItemId);
        Assert.Empty(export.Profile);
        Assert.True(export.Consent.Personalization);
    }

    [Fact]
    public async Task The_receipt_is_readable_by_admin_and_verifies_only_the_erased_id()
    {
        var user = Http.Unique("user");
        await Post(Http.Event(user, Http.Unique("item")));
        var receipt = await Erase(user);

        var read = await admin.GetAsync($"/v1/admin/erasures/{receipt.ReceiptId}");
        Assert.Equal(receipt, await read.AssertOk<ErasureReceiptResponse>());
        Assert.True(read.Headers.CacheControl?.NoStore);

        async Task<bool> Verify(string userId) =>
            (await (await admin.PostAsJsonAsync($"/v1/admin/erasures/{receipt.ReceiptId}/verify", new { userId }))
                .AssertOk<ErasureVerifyResponse>()).Matches;

        Assert.True(await Verify(user));
        Assert.False(await Verify(Http.Unique("user")));
        Assert.False(await Verify(user.ToUpperInvariant()));
    }

    [Fact]
    public async Task The_receipt_is_not_readable_by_the_storefront_or_privacy_key()
    {
        var receipt = await Erase(Http.Unique("user"));
        foreach (var key in new[] { GatewayHost.StorefrontKey, GatewayHost.PrivacyKey, GatewayHost.CatalogKey })
        {
            var client = fixture.Gateway.CreateClient(key);
            await (await client.GetAsync($"/v1/admin/erasures/{receipt.ReceiptId}")).AssertProblem(HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task An_unknown_receipt_answers_404_for_reading_and_verifying()
    {
        var id = Guid.NewGuid();
        await (await admin.GetAsync($"/v1/admin/erasures/{id}")).AssertProblem(HttpStatusCode.NotFound);
        await (await admin.PostAsJsonAsync($"/v1/admin/erasures/{id}/verify", new { userId = "someone" })).AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_admin_key_may_call_the_privacy_endpoints()
    {
        var user = Http.Unique("user");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"/v1/users/{user}/profile", new { attributes = new { a = "1" } })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"/v1/users/{user}/consent", new { personalization = false })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/v1/users/{user}/export")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/v1/users/{user}")).StatusCode);
    }
}
