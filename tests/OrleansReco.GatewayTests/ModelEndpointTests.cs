using System.Net;
using System.Net.Http.Json;
using OrleansReco.Gateway.Contracts;
using Xunit;

namespace OrleansReco.GatewayTests;

/// <summary>
/// Training over HTTP. A cluster and gateway of its own: a trained model changes every later recommendation of
/// users whose items it holds, which the shared collection's tests do not expect.
/// </summary>
public sealed class ModelEndpointTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task Training_publishes_a_model_that_the_next_event_folds_the_user_into()
    {
        var admin = fixture.Gateway.CreateClient(GatewayHost.AdminKey);
        var before = await (await admin.GetAsync("/v1/admin/model")).AssertOk<EmbeddingStatusResponse>();
        Assert.Null(before.Current);

        // Two tastes of five items, ten shoppers each.
        var storefront = fixture.Gateway.CreateClient(GatewayHost.StorefrontKey);
        var events = Enumerable.Range(0, 20).SelectMany(u => Enumerable.Range(0, 5)
            .Select(i => Http.Event($"shopper-{u}", $"{(u < 10 ? "a" : "b")}-{i}", "purchase"))).ToArray();
        Assert.Equal(HttpStatusCode.Accepted, (await storefront.PostEvents(Http.Batch(events))).StatusCode);
        await fixture.WaitForDeliveries(Enumerable.Range(0, 20).Select(u => $"shopper-{u}"));

        var trained = await (await admin.PostAsync("/v1/admin/model/train?wait=true", null)).AssertOk<EmbeddingStatusResponse>();
        Assert.False(trained.Training);
        Assert.Null(trained.LastError);
        var model = trained.Current!;
        Assert.Equal((1, 20, 10, 100L), (model.Version, model.Users, model.Items, model.Interactions));
        Assert.True(model.TrainingBytes > 0);
        Assert.Equivalent(model, (await (await admin.GetAsync("/v1/admin/model")).AssertOk<EmbeddingStatusResponse>()).Current, strict: true);
        Assert.Empty(model.Segments); // twenty shoppers are fewer than one segment's minimum (50)

        // A new shopper's first event gives them an embedding at once; their export shows it.
        var newcomer = Http.Unique("newcomer");
        Assert.Equal(HttpStatusCode.Accepted, (await storefront.PostEvents(Http.Batch(Http.Event(newcomer, "a-0", "purchase")))).StatusCode);
        var export = await (await fixture.Gateway.CreateClient(GatewayHost.PrivacyKey).GetAsync($"/v1/users/{newcomer}/export"))
            .AssertOk<UserExportResponse>();
        Assert.Equal(model.Factors, export.Embedding!.Count);

        var recommendations = await (await storefront.GetAsync($"/v1/users/{newcomer}/recommendations?count=4"))
            .AssertOk<RecommendationsResponse>();
        Assert.True(recommendations.Personalized);
        // Only the shoppers of taste a hold a-0: everything suggested is of taste a.
        Assert.All(recommendations.Items, item => Assert.StartsWith("a-", item.ItemId));
    }

    [Fact]
    public async Task Only_the_admin_key_trains_and_wait_must_be_a_boolean()
    {
        foreach (var key in new[] { GatewayHost.StorefrontKey, GatewayHost.CatalogKey, GatewayHost.PrivacyKey })
        {
            var client = fixture.Gateway.CreateClient(key);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync("/v1/admin/model/train", null)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/v1/admin/model")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Gateway.CreateClient(null).PostAsync("/v1/admin/model/train", null)).StatusCode);

        var admin = fixture.Gateway.CreateClient(GatewayHost.AdminKey);
        var versionBefore = (await (await admin.GetAsync("/v1/admin/model")).AssertOk<EmbeddingStatusResponse>()).Current?.Version;
        await (await admin.PostAsync("/v1/admin/model/train?wait=soon", null)).AssertProblem(HttpStatusCode.BadRequest);
        var after = await (await admin.GetAsync("/v1/admin/model")).AssertOk<EmbeddingStatusResponse>();
        Assert.False(after.Training);
        Assert.Equal(versionBefore, after.Current?.Version);
    }
}
