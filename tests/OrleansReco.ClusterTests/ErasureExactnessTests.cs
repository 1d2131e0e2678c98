using Orleans.TestingHost;
using OrleansReco.Testing;
using OrleansReco.Grains.Interfaces;
using Xunit;

namespace OrleansReco.ClusterTests;

/// <summary>
/// Two independent clusters: one sees shoppers U and x and then erases x, the other only ever sees U. Every
/// aggregate the shoppers' behaviour feeds must end up equal: counts, popularity, neighbourhoods, popular lists.
/// </summary>
public sealed class ErasureExactnessTests : IAsyncLifetime
{
    private const int ItemCount = 24;
    private InProcessTestCluster _withX = null!;
    private InProcessTestCluster _withoutX = null!;

    public async Task InitializeAsync()
    {
        _withX = await Start();
        _withoutX = await Start();
    }

    private static async Task<InProcessTestCluster> Start()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddRecoForTests(model =>
            {
                model.HistoryLimit = 10;
                model.MinSupport = 2;
            });
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    [Fact]
    public async Task After_erasure_every_aggregate_equals_that_of_a_world_without_the_shopper()
    {
        var random = new Random(11);
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var events = Enumerable.Range(0, 400)
            .Select(n => (User: random.Next(8) == 0 ? "x" : $"u{random.Next(12)}",
                Event: new BehaviourEvent($"item-{random.Next(ItemCount)}", (EventType)random.Next(3), start.AddHours(n * 3))))
            .ToList();
        Assert.Contains(events, e => e.User == "x");

        foreach (var (user, e) in events)
        {
            await _withX.Client.GetGrain<IUserGrain>(user).Record([e]);
            if (user != "x") await _withoutX.Client.GetGrain<IUserGrain>(user).Record([e]);
        }
        await _withX.Client.GetGrain<IUserGrain>("x").Erase(new ErasureRequest(Guid.NewGuid(), "s", "h"));

        for (var i = 0; i < ItemCount; i++)
        {
            var item = $"item-{i}";
            var (a, b) = (_withX.Client.GetGrain<IItemGrain>(item), _withoutX.Client.GetGrain<IItemGrain>(item));
            var (countsA, countsB) = (await a.GetCounts(), await b.GetCounts());
            Assert.Equal(countsB.Occurrence, countsA.Occurrence);
            Assert.Equal(countsB.CoOccurrence.OrderBy(kv => kv.Key), countsA.CoOccurrence.OrderBy(kv => kv.Key));
            Assert.Equal(countsB.PopularityMilliWeights.OrderBy(kv => kv.Key), countsA.PopularityMilliWeights.OrderBy(kv => kv.Key));
            Assert.Equal(await b.GetNeighbours(50), await a.GetNeighbours(50));
        }
        Assert.Equal(
            await _withoutX.Client.GetGrain<IRecommenderGrain>(0).Popular(100, null),
            await _withX.Client.GetGrain<IRecommenderGrain>(0).Popular(100, null));
        var request = new RecommendationRequest(10, false, null, []);
        Assert.Equal(
            await _withoutX.Client.GetGrain<IRecommenderGrain>(0).Recommend("u1", request),
            await _withX.Client.GetGrain<IRecommenderGrain>(0).Recommend("u1", request),
            new ResultComparer());
    }

    public async Task DisposeAsync()
    {
        await _withX.DisposeAsync();
        await _withoutX.DisposeAsync();
    }

    private sealed class ResultComparer : IEqualityComparer<RecommendationResult>
    {
        public bool Equals(RecommendationResult? x, RecommendationResult? y) =>
            x!.Personalized == y!.Personalized && x.Items.SequenceEqual(y.Items);

        public int GetHashCode(RecommendationResult obj) => obj.Items.Count;
    }
}
