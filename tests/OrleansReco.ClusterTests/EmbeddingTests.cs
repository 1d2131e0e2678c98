using Orleans.TestingHost;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Testing;
using Xunit;

namespace OrleansReco.ClusterTests;

/// <summary>
/// The embedding path on a cluster of its own (a trained model changes every later recommendation, which the shared
/// cluster's tests do not expect): training, per-event fold-in, embedding candidates and model versions.
/// </summary>
public sealed class EmbeddingTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly BlendWeights EmbeddingOnly = new(Neighbourhood: 0, Embedding: 1, Repeat: 0);
    private static readonly BlendWeights ItemToItemOnly = new(Neighbourhood: 0, Embedding: 0, Repeat: 0, ItemToItem: 1);
    private InProcessTestCluster _cluster = null!;

    private IClusterClient Client => _cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) => silo.AddRecoForTests(model => model.EmbeddingFactors = 8));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    /// <summary>Ten shoppers buy items a-0..a-5, ten others b-0..b-5, each missing one item of their side.</summary>
    private async Task TwoTastes()
    {
        for (var u = 0; u < 20; u++)
        {
            var side = u < 10 ? "a" : "b";
            var events = Enumerable.Range(0, 6).Where(i => i != u % 6)
                .Select(i => new BehaviourEvent($"{side}-{i}", EventType.Purchase, Start.AddMinutes(i))).ToList();
            await Client.GetGrain<IUserGrain>($"shopper-{u}").Record(events);
        }
    }

    private async Task<EmbeddingManifest> Train()
    {
        var trainer = Client.GetGrain<IEmbeddingTrainerGrain>(0);
        var status = await trainer.Start();
        while (status.Training)
        {
            status = await trainer.Wait(TimeSpan.FromSeconds(10));
        }
        Assert.Null(status.LastError);
        return status.Current!;
    }

    private Task<RecommendationResult> EmbeddingRecommendations(string user, int count) =>
        Client.GetGrain<IRecommenderGrain>(0).Recommend(user, new RecommendationRequest(count, ExcludeSeen: true, null, [], Weights: EmbeddingOnly));

    [Fact]
    public async Task Each_event_moves_the_users_embedding_and_with_it_the_very_next_recommendation()
    {
        await TwoTastes();
        var model = await Train();
        var user = Client.GetGrain<IUserGrain>("newcomer");

        await user.Record([new BehaviourEvent("a-0", EventType.Purchase, Start.AddDays(1))]);
        var first = await user.GetContext();
        Assert.Equal(model.Version, first.Embedding!.Version);
        var before = await EmbeddingRecommendations("newcomer", 3);
        Assert.All(before.Items, item => Assert.StartsWith("a-", item.ItemId));
        Assert.All(before.Items, item => Assert.Equal((RecommendationReason.Embedding, "a-0"), (item.Reason, item.Because)));

        // Taste b from now on, strongly: the next list follows.
        await user.Record(Enumerable.Range(0, 4).Select(i => new BehaviourEvent($"b-{i}", EventType.Purchase, Start.AddDays(40))).ToList());
        var second = await user.GetContext();
        Assert.NotEqual(first.Embedding.Vector, second.Embedding!.Vector);
        var after = await EmbeddingRecommendations("newcomer", 2);
        Assert.All(after.Items, item => Assert.StartsWith("b-", item.ItemId));
    }

    [Fact]
    public async Task Item_to_item_weights_of_the_model_follow_each_event_and_name_the_history_item_behind_them()
    {
        await TwoTastes();
        var model = await Train();
        Assert.Equal(12, model.EaseItems);
        var user = Client.GetGrain<IUserGrain>("newcomer");
        var recommend = () => Client.GetGrain<IRecommenderGrain>(0).Recommend(
            "newcomer", new RecommendationRequest(3, ExcludeSeen: true, null, [], Weights: ItemToItemOnly));

        await user.Record([new BehaviourEvent("a-0", EventType.Purchase, Start.AddDays(1))]);
        var before = await recommend();
        Assert.True(before.Personalized);
        Assert.All(before.Items, item => Assert.StartsWith("a-", item.ItemId));
        Assert.All(before.Items, item => Assert.Equal((RecommendationReason.Similar, "a-0"), (item.Reason, item.Because)));

        // No training in between: the weights are summed over the history as it is now.
        await user.Record(Enumerable.Range(0, 4).Select(i => new BehaviourEvent($"b-{i}", EventType.Purchase, Start.AddDays(40))).ToList());
        var after = await recommend();
        Assert.All(after.Items.Take(2), item => Assert.StartsWith("b-", item.ItemId));
        Assert.All(after.Items.Take(2), item => Assert.StartsWith("b-", item.Because));
    }

    [Fact]
    public async Task A_user_embedding_from_an_older_model_is_folded_in_again_against_the_current_one()
    {
        await TwoTastes();
        var first = await Train();
        var user = Client.GetGrain<IUserGrain>("newcomer");
        await user.Record([new BehaviourEvent("b-0", EventType.Purchase, Start.AddDays(1))]);
        Assert.Equal(first.Version, (await user.GetContext()).Embedding!.Version);

        var firstVector = (await user.GetContext()).Embedding!.Vector;

        var second = await Train();
        Assert.Equal(first.Version + 1, second.Version);
        // No event since: the first read after the new model folds the user in against it.
        var refolded = (await user.GetContext()).Embedding!;
        Assert.Equal(second.Version, refolded.Version);
        Assert.NotEqual(firstVector, refolded.Vector);
        var result = await EmbeddingRecommendations("newcomer", 3);
        Assert.All(result.Items, item => Assert.StartsWith("b-", item.ItemId));
    }

    [Fact]
    public async Task Without_a_model_recommendations_come_from_the_neighbourhoods_alone()
    {
        await TwoTastes();
        var user = Client.GetGrain<IUserGrain>("newcomer");
        await user.Record([new BehaviourEvent("a-0", EventType.Purchase, Start.AddDays(1))]);
        Assert.Null((await user.GetContext()).Embedding);

        var result = await Client.GetGrain<IRecommenderGrain>(0).Recommend("newcomer", new RecommendationRequest(3, true, null, []));
        Assert.True(result.Personalized);
        Assert.All(result.Items, item => Assert.Equal(RecommendationReason.Similar, item.Reason));
    }
}
