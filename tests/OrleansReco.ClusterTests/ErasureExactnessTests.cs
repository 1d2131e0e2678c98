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
                model.Segments = 2;
                model.SegmentMinShoppers = 3;
            });
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>The same events in both clusters, except x's, which only the first sees.</summary>
    private async Task ReplayWithAndWithoutX()
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
    }

    private Task EraseX() => _withX.Client.GetGrain<IUserGrain>("x").Erase(new ErasureRequest(Guid.NewGuid(), "s", "h"));

    [Fact]
    public async Task After_erasure_every_aggregate_equals_that_of_a_world_without_the_shopper()
    {
        await ReplayWithAndWithoutX();
        await EraseX();

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

    [Fact]
    public async Task After_erasure_and_retraining_the_embedding_model_equals_one_trained_without_the_shopper()
    {
        await ReplayWithAndWithoutX();
        var withoutX = await Train(_withoutX);
        var beforeErasure = await Train(_withX);
        Assert.False(VectorsClose(withoutX, beforeErasure.Vectors), "x's history must have shaped the first model");
        Assert.False(WeightsClose(withoutX, beforeErasure.Weights), "x's history must have shaped the first item-to-item weights");

        await EraseX();
        var status = await _withX.Client.GetGrain<IEmbeddingTrainerGrain>(0).GetStatus();
        Assert.True(status.ErasedSinceTraining);
        var afterErasure = await Train(_withX);

        Assert.Equal(withoutX.Manifest.Users, afterErasure.Manifest.Users);
        Assert.True(VectorsClose(withoutX, afterErasure.Vectors), "the retrained model must not depend on x");
        Assert.True(WeightsClose(withoutX, afterErasure.Weights), "the retrained item-to-item weights must not depend on x");
        Assert.Equal(ItemCount, afterErasure.Manifest.EaseItems);
        // The shopper segments too: x counted in the first model's, in no segment of the retrained one, whose segments
        // (sizes, categories, centroids, popular lists) are those of the cluster that never saw x.
        Assert.Equal(13, beforeErasure.Segments.Sum(s => s.Shoppers));
        Assert.Equal(12, afterErasure.Segments.Sum(s => s.Shoppers));
        Assert.Equal(withoutX.Manifest.Segments!.Select(Describe), afterErasure.Manifest.Segments!.Select(Describe));
        Assert.Equal(withoutX.Segments.Count, afterErasure.Segments.Count);
        foreach (var (expected, actual) in withoutX.Segments.Zip(afterErasure.Segments))
        {
            Assert.Equal(expected.Popular.Select(p => p.ItemId), actual.Popular.Select(p => p.ItemId));
            Assert.All(expected.Centroid.Zip(actual.Centroid), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-4));
        }
        Assert.False((await _withX.Client.GetGrain<IEmbeddingTrainerGrain>(0).GetStatus()).ErasedSinceTraining);
        // The superseded version is gone from storage too: a fresh read of every shard finds nothing.
        foreach (var shard in Enumerable.Range(0, beforeErasure.Manifest.Shards))
        {
            Assert.Empty((await _withX.Client.GetGrain<IEmbeddingShardGrain>($"{beforeErasure.Manifest.Version}/{shard}").Get()).Vectors);
        }

        var request = new RecommendationRequest(10, false, null, []);
        Assert.Equal(
            await _withoutX.Client.GetGrain<IRecommenderGrain>(0).Recommend("u1", request),
            await _withX.Client.GetGrain<IRecommenderGrain>(0).Recommend("u1", request),
            new ResultComparer(scoreTolerance: 1e-5));
    }

    private sealed record TrainedModel(
        EmbeddingManifest Manifest, Dictionary<string, float[]> Vectors, Dictionary<string, ItemWeight[]> Weights, List<ShopperSegment> Segments);

    private static string Describe(SegmentSummary segment) => $"{segment.Id}: {segment.Shoppers} [{string.Join(",", segment.TopCategories)}]";

    private static async Task<TrainedModel> Train(InProcessTestCluster cluster)
    {
        var trainer = cluster.Client.GetGrain<IEmbeddingTrainerGrain>(0);
        var status = await trainer.Start();
        while (status.Training)
        {
            status = await trainer.Wait(TimeSpan.FromSeconds(10));
        }
        Assert.Null(status.LastError);
        var manifest = status.Current!;
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var weights = new Dictionary<string, ItemWeight[]>(StringComparer.Ordinal);
        var segments = new List<ShopperSegment>();
        foreach (var shard in Enumerable.Range(0, manifest.Shards))
        {
            var published = await cluster.Client.GetGrain<IEmbeddingShardGrain>($"{manifest.Version}/{shard}").Get();
            foreach (var (item, vector) in published.Vectors) vectors.Add(item, vector);
            foreach (var (item, row) in published.Weights!) weights.Add(item, row);
            segments.AddRange(published.Segments ?? []);
        }
        Assert.Equal(manifest.Items, vectors.Count);
        Assert.Equal(manifest.EaseItems, weights.Count);
        Assert.Equal(manifest.Segments!.Count, segments.Count);
        return new TrainedModel(manifest, vectors, weights, segments.OrderBy(s => s.Id).ToList());
    }

    private static bool VectorsClose(TrainedModel expected, Dictionary<string, float[]> actual) =>
        expected.Vectors.Count == actual.Count
        && expected.Vectors.All(kv => actual.TryGetValue(kv.Key, out var other)
            && kv.Value.Zip(other).All(p => Math.Abs(p.First - p.Second) <= 1e-5 * Math.Max(1, Math.Abs(p.First))));

    /// <summary>The same items, each with the same weights to the same items, equal to rounding.</summary>
    private static bool WeightsClose(TrainedModel expected, Dictionary<string, ItemWeight[]> actual) =>
        expected.Weights.Count == actual.Count
        && expected.Weights.All(kv => actual.TryGetValue(kv.Key, out var other)
            && kv.Value.Length == other.Length
            && kv.Value.OrderBy(w => w.ItemId, StringComparer.Ordinal).Zip(other.OrderBy(w => w.ItemId, StringComparer.Ordinal)).All(p =>
                p.First.ItemId == p.Second.ItemId && Math.Abs(p.First.Weight - p.Second.Weight) <= 1e-5 * Math.Max(1, Math.Abs(p.First.Weight))));

    public async Task DisposeAsync()
    {
        await _withX.DisposeAsync();
        await _withoutX.DisposeAsync();
    }

    /// <param name="scoreTolerance">Embedding scores come from a fold-in against float vectors: equal to rounding.</param>
    private sealed class ResultComparer(double scoreTolerance = 0) : IEqualityComparer<RecommendationResult>
    {
        public bool Equals(RecommendationResult? x, RecommendationResult? y) =>
            x!.Personalized == y!.Personalized
            && x.Items.Count == y.Items.Count
            && x.Items.Zip(y.Items).All(p => p.First with { Score = 0 } == p.Second with { Score = 0 }
                && Math.Abs(p.First.Score - p.Second.Score) <= scoreTolerance);

        public int GetHashCode(RecommendationResult obj) => obj.Items.Count;
    }
}
