using OrleansReco.Grains.Model;
using Xunit;

namespace OrleansReco.UnitTests;

public sealed class ModelOptionsTests
{
    [Fact]
    public void The_defaults_are_usable() => Assert.Empty(new ModelOptions().Problems());

    [Fact]
    public void Settings_that_may_be_zero_are_usable_at_zero()
    {
        var options = new ModelOptions
        {
            NeighbourhoodWeight = 0, EmbeddingWeight = 0, RepeatWeight = 0, EaseWeight = 0, EmbeddingConfidenceScale = 0,
            ContentSupport = 0, ContentWeight = 0,
            EaseMaxItems = 0, EmbeddingCandidates = 0, EaseHalfLife = TimeSpan.Zero, EmbeddingTrainEvery = TimeSpan.Zero,
            EmbeddingRefreshPeriod = TimeSpan.Zero, NeighbourhoodMaxAge = TimeSpan.Zero, EmbeddingErasureRetrainDelay = TimeSpan.Zero,
        };

        Assert.Empty(options.Problems());
    }

    public static TheoryData<Action<ModelOptions>, string> Unusable => new()
    {
        { o => o.HistoryLimit = 0, "Reco:Model:HistoryLimit is 0; it must be at least 1." },
        { o => o.EmbeddingFactors = -3, "Reco:Model:EmbeddingFactors is -3; it must be at least 1." },
        { o => o.PurchaseWeight = 0, "Reco:Model:PurchaseWeight is 0; it must be a finite number above 0." },
        { o => o.EaseWeight = double.NaN, "Reco:Model:EaseWeight is NaN; it must be a finite number of at least 0." },
        { o => o.RepeatWeight = -1, "Reco:Model:RepeatWeight is -1; it must be a finite number of at least 0." },
        { o => o.ContentSupport = -2, "Reco:Model:ContentSupport is -2; it must be a finite number of at least 0." },
        { o => o.ContentWeight = -0.5, "Reco:Model:ContentWeight is -0.5; it must be a finite number of at least 0." },
        { o => o.HalfLife = TimeSpan.Zero, "Reco:Model:HalfLife is 00:00:00; it must be longer than zero." },
        { o => o.NeighbourhoodMaxAge = TimeSpan.FromSeconds(-1), "Reco:Model:NeighbourhoodMaxAge is -00:00:01; it must be zero or longer." },
        { o => o.EmbeddingErasureRetrainDelay = TimeSpan.FromSeconds(-5), "Reco:Model:EmbeddingErasureRetrainDelay is -00:00:05; it must be zero or longer." },
        { o => o.Similarity = (SimilarityKind)7, "Reco:Model:Similarity is 7; it must be one of Jaccard, Cosine, Lift." },
    };

    [Theory]
    [MemberData(nameof(Unusable))]
    public void An_unusable_setting_is_named_with_its_value_and_what_it_must_be(Action<ModelOptions> change, string problem)
    {
        var options = new ModelOptions();
        change(options);

        Assert.Equal([problem], options.Problems());
    }
}
