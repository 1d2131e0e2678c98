using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansReco.Gateway.Contracts;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;
using OrleansReco.Testing;
using Xunit;

namespace OrleansReco.GatewayTests;

/// <summary>A two-silo cluster of its own with private popularity on, behind a gateway over real HTTP.</summary>
public sealed class PrivatePopularityCluster : IAsyncLifetime
{
    // Noise of scale HistoryLimit / epsilon = 200 / 0.01 = 20,000: an item's draw is 0 with probability 2.5e-5,
    // so "some listed score is not the exact count" holds on every run that is not broken.
    public const double Epsilon = 0.01;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public GatewayHost Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.Configure<PopularityPrivacyOptions>(o =>
            {
                o.Epsilon = Epsilon;
                // One epoch for the whole test run (the next boundary is decades away): the test reads one snapshot.
                o.Epoch = TimeSpan.FromDays(36_500);
            });
            silo.AddRecoForTests();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Gateway = await GatewayHost.StartAsync(Cluster.Client);
    }

    public Task WaitForDeliveries(IEnumerable<string> userIds) =>
        Task.WhenAll(userIds.Select(id => Cluster.Client.GetGrain<IUserGrain>(Gateway.Pseudonymizer.Pseudonymize(id)).WaitForDeliveries()));

    public async Task DisposeAsync()
    {
        if (Gateway is not null) await Gateway.DisposeAsync();
        if (Cluster is not null) await Cluster.DisposeAsync();
    }
}

public sealed class PrivatePopularityTests(PrivatePopularityCluster fixture) : IClassFixture<PrivatePopularityCluster>
{
    private readonly HttpClient storefront = fixture.Gateway.CreateClient(GatewayHost.StorefrontKey);
    private readonly HttpClient catalog = fixture.Gateway.CreateClient(GatewayHost.CatalogKey);

    private async Task<List<PopularItemResponse>> Popular(string query = "") =>
        (await (await storefront.GetAsync("/v1/items/popular?count=100" + query)).AssertOk<PopularItemsResponse>()).Items.ToList();

    /// <summary>Each shopper views the given items; returns the shoppers once every item holds their changes.</summary>
    private async Task<List<string>> Shoppers(int count, Func<int, IEnumerable<string>> itemsOf)
    {
        var shoppers = Enumerable.Range(0, count).Select(_ => Http.Unique("shopper")).ToList();
        var events = shoppers.SelectMany((user, s) => itemsOf(s).Select(item => Http.Event(user, item))).ToArray();
        Assert.Equal(HttpStatusCode.Accepted, (await storefront.PostEvents(Http.Batch(events))).StatusCode);
        await fixture.WaitForDeliveries(shoppers);
        return shoppers;
    }

    [Fact]
    public async Task Popular_lists_rank_by_noisy_shopper_counts_fixed_for_the_epoch()
    {
        // Before any item is known the list is empty, and that empty snapshot does not last the epoch.
        Assert.Empty(await Popular());

        // Twelve catalogue items, item i held by i + 1 shoppers, and one unavailable item every shopper holds.
        var items = Enumerable.Range(0, 12).Select(i => (Id: $"private-{i:D2}", Category: i % 2 == 0 ? "red" : "blue")).ToList();
        foreach (var (id, category) in items)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await catalog.PutAsJsonAsync($"/v1/items/{id}", new { title = id, category, available = true })).StatusCode);
        }
        const string withdrawn = "private-withdrawn";
        Assert.Equal(HttpStatusCode.NoContent, (await catalog.PutAsJsonAsync($"/v1/items/{withdrawn}", new { title = withdrawn, category = "red", available = false })).StatusCode);
        await Shoppers(12, s => items.Skip(s).Select(i => i.Id).Append(withdrawn));
        var exact = items.ToDictionary(i => i.Id, i => items.IndexOf(i) + 1);

        var popular = await Popular();

        // Every available item once (the cluster is this test's own), none of the withdrawn, highest score first.
        Assert.Equal(items.Select(i => i.Id).Order(StringComparer.Ordinal), popular.Select(p => p.ItemId).Order(StringComparer.Ordinal));
        Assert.Equal(popular.Select(p => p.Score).OrderDescending(), popular.Select(p => p.Score));
        // Scores are noisy counts: whole numbers, never below 0, and not the exact counts.
        Assert.All(popular, p => Assert.True(p.Score >= 0 && p.Score == Math.Floor(p.Score), $"{p.ItemId}: {p.Score}"));
        Assert.Contains(popular, p => p.Score != exact[p.ItemId]);

        // Asking again gives the same draws: nothing to average away.
        Assert.Equal(popular, await Popular());

        // A category's list is the same snapshot, filtered.
        Assert.Equal(popular.Where(p => p.Category == "red"), await Popular("&category=RED"));

        // A new shopper's popularity fill is the same list.
        var fill = await (await storefront.GetAsync($"/v1/users/{Http.Unique("newcomer")}/recommendations?count=5")).AssertOk<RecommendationsResponse>();
        Assert.Equal(popular.Take(5).Select(p => (p.ItemId, p.Score)), fill.Items.Select(i => (i.ItemId, i.Score)));
        Assert.All(fill.Items, i => Assert.Equal("popular", i.Reason));

        // Counts are frozen with the noise for the epoch: new shoppers change nothing published until the next one
        // (else the difference of two answers would be the exact change, noise cancelled).
        await Shoppers(30, _ => [items[0].Id]);
        Assert.Equal(popular, await Popular());
    }
}
