using System.Net;
using System.Net.Http.Json;
using Orleans.TestingHost;
using OrleansReco.Gateway.Contracts;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Testing;
using Xunit;

namespace OrleansReco.GatewayTests;

/// <summary>
/// A cluster of its own (segments are over every shopper of a cluster) with two segments of at least five shoppers, and
/// the embedding, item-to-item and content parts of the blend off, so that a shopper whose one item has no neighbourhood gets
/// a list of fill alone: what the fill is made of is then all there is to see.
/// </summary>
public sealed class SegmentClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public GatewayHost Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) => silo.AddRecoForTests(model =>
        {
            model.Segments = 2;
            model.SegmentMinShoppers = 5;
            model.EmbeddingWeight = 0;
            model.EaseWeight = 0;
            model.ContentSupport = 0; // the items' category is text too: content would list the newcomer's category mates
            model.EmbeddingScheduleCheck = TimeSpan.FromDays(1); // every training here is the test's
        }));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Gateway = await GatewayHost.StartAsync(Cluster.Client);
    }

    public async Task DisposeAsync()
    {
        if (Gateway is not null) await Gateway.DisposeAsync();
        if (Cluster is not null) await Cluster.DisposeAsync();
    }
}

public sealed class SegmentTests(SegmentClusterFixture fixture) : IClassFixture<SegmentClusterFixture>
{
    private readonly HttpClient _storefront = fixture.Gateway.CreateClient(GatewayHost.StorefrontKey);
    private readonly HttpClient _catalog = fixture.Gateway.CreateClient(GatewayHost.CatalogKey);
    private readonly HttpClient _privacy = fixture.Gateway.CreateClient(GatewayHost.PrivacyKey);
    private readonly HttpClient _admin = fixture.Gateway.CreateClient(GatewayHost.AdminKey);

    [Fact]
    public async Task A_training_segments_the_shoppers_and_a_light_shopper_is_filled_from_their_segment()
    {
        // Twelve garden shoppers (a-0..a-3; two of them also a-rare) and twenty kitchen shoppers (b-0..b-3): the
        // kitchen items are the more popular in the shop as a whole.
        foreach (var (prefix, category) in new[] { ("a", "garden"), ("b", "kitchen") })
        {
            foreach (var item in Enumerable.Range(0, 4).Select(i => $"{prefix}-{i}").Append($"{prefix}-rare"))
            {
                Assert.Equal(HttpStatusCode.NoContent,
                    (await _catalog.PutAsJsonAsync($"/v1/items/{item}", new { title = item, category })).StatusCode);
            }
        }
        var garden = Enumerable.Range(0, 12).Select(n => $"garden-{n}").ToList();
        var kitchen = Enumerable.Range(0, 20).Select(n => $"kitchen-{n}").ToList();
        var events = garden.SelectMany((s, n) => Enumerable.Range(0, 4).Select(i => $"a-{i}").Concat(n < 2 ? ["a-rare"] : [])
                .Select(item => Http.Event(s, item, "purchase")))
            .Concat(kitchen.SelectMany(s => Enumerable.Range(0, 4).Select(i => Http.Event(s, $"b-{i}", "purchase"))));
        await Post(events, garden.Concat(kitchen));

        var trained = await (await _admin.PostAsync("/v1/admin/model/train?wait=true", null)).AssertOk<EmbeddingStatusResponse>();

        // GET /v1/admin/model lists the segments: id, size, what sets each apart.
        var listed = (await (await _admin.GetAsync("/v1/admin/model")).AssertOk<EmbeddingStatusResponse>()).Current!.Segments;
        Assert.Equivalent(trained.Current!.Segments, listed);
        Assert.Equal([0, 1], listed.Select(s => s.Id));
        Assert.Equal(
            [(12, "garden"), (20, "kitchen")],
            listed.Select(s => (s.Shoppers, Assert.Single(s.TopCategories))).OrderBy(s => s.Shoppers));
        var gardenSegment = listed.Single(s => s.TopCategories[0] == "garden").Id;

        // The export carries the shopper's segment.
        var export = await (await _privacy.GetAsync("/v1/users/garden-5/export")).AssertOk<UserExportResponse>();
        Assert.Equal((trained.Current.Version, gardenSegment), (export.Segment!.ModelVersion, export.Segment.Id));
        Assert.Equal(["garden"], export.Segment.TopCategories);

        // One event, on an item too rare for a neighbourhood: the list is fill alone, the garden segment's popular
        // items first, then the shop's.
        var newcomer = Http.Unique("newcomer");
        await Post([Http.Event(newcomer, "a-rare", "purchase")], [newcomer]);
        var list = await (await _storefront.GetAsync($"/v1/users/{newcomer}/recommendations?count=8"))
            .AssertOk<RecommendationsResponse>();
        Assert.Equal(
            ["a-0", "a-1", "a-2", "a-3"],
            list.Items.Where(i => i.Reason == "segment").Select(i => i.ItemId));
        Assert.Equal(["segment", "segment", "segment", "segment"], list.Items.Take(4).Select(i => i.Reason));
        Assert.All(list.Items.Skip(4), i => Assert.Equal("popular", i.Reason));
        Assert.DoesNotContain(list.Items, i => i.ItemId == "a-rare"); // bought: discovery leaves it out

        // An item taken off sale after the training leaves the segment's fill at once, as it leaves the shop's.
        Assert.Equal(HttpStatusCode.NoContent,
            (await _catalog.PutAsJsonAsync("/v1/items/a-1", new { title = "a-1", category = "garden", available = false })).StatusCode);
        var afterSale = await (await _storefront.GetAsync($"/v1/users/{newcomer}/recommendations?count=8"))
            .AssertOk<RecommendationsResponse>();
        Assert.Equal(["a-0", "a-2", "a-3"], afterSale.Items.Where(i => i.Reason == "segment").Select(i => i.ItemId));

        // A shopper with more history than the segment fill is for gets the shop's popular items as before.
        var regular = Http.Unique("regular");
        await Post(new[] { "a-rare", "b-rare", "a-0" }.Select(item => Http.Event(regular, item, "view")), [regular]);
        var theirs = await (await _storefront.GetAsync($"/v1/users/{regular}/recommendations?count=8"))
            .AssertOk<RecommendationsResponse>();
        Assert.DoesNotContain(theirs.Items, i => i.Reason == "segment");
    }

    private async Task Post(IEnumerable<string> events, IEnumerable<string> users)
    {
        Assert.Equal(HttpStatusCode.Accepted, (await _storefront.PostEvents(Http.Batch(events.ToArray()))).StatusCode);
        await Task.WhenAll(users.Select(id =>
            fixture.Cluster.Client.GetGrain<IUserGrain>(fixture.Gateway.Pseudonymizer.Pseudonymize(id)).WaitForDeliveries()));
    }
}
