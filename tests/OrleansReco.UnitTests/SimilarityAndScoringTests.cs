using Xunit;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;

namespace OrleansReco.UnitTests;

public sealed class SimilarityAndScoringTests
{
    [Theory]
    [InlineData(SimilarityKind.Jaccard, 3, 4, 6, 3.0 / 7)]
    [InlineData(SimilarityKind.Cosine, 3, 4, 9, 3.0 / 6)]
    [InlineData(SimilarityKind.Lift, 3, 4, 6, 3.0 / 24)]
    [InlineData(SimilarityKind.Jaccard, 0, 4, 6, 0)]
    public void Similarity_follows_its_definition(SimilarityKind kind, int cooc, int occA, int occB, double expected)
    {
        Assert.Equal(expected, Similarity.Compute(kind, cooc, occA, occB), 12);
    }

    [Fact]
    public void Neighbourhood_publishes_only_pairs_with_enough_support_and_keeps_the_top_k()
    {
        var coOccurrence = new Dictionary<string, int> { ["rare"] = 2, ["b"] = 3, ["c"] = 5, ["d"] = 4, ["gone"] = 9 };
        var stats = new Dictionary<string, CandidateStats>
        {
            ["rare"] = new(2, null, true),
            ["b"] = new(3, "x", true),
            ["c"] = new(50, "y", true),
            ["d"] = new(4, null, true),
            ["gone"] = new(9, null, Available: false),
        };

        var neighbours = Neighbourhoods.Build(10, coOccurrence, stats, SimilarityKind.Jaccard, minSupport: 3, size: 2);

        Assert.Equal(["d", "b"], neighbours.Select(n => n.ItemId));
        Assert.Equal(4 / 10.0, neighbours[0].Similarity, 12);
        Assert.Equal(3, neighbours[1].Support);
        Assert.Equal("x", neighbours[1].Category);
    }

    [Fact]
    public void Score_sums_affinity_times_similarity_and_explains_by_the_largest_contribution()
    {
        var neighbourhoods = new Dictionary<string, IReadOnlyList<SimilarItem>>
        {
            ["a"] = [new("x", 0.5, 3, "c1"), new("y", 0.1, 3, "c2")],
            ["b"] = [new("x", 0.2, 3, "c1"), new("y", 0.9, 3, "c2"), new("a", 0.9, 3, "c1")],
        };

        var scored = Scoring.Score([("a", 2.0), ("b", 1.0)], neighbourhoods, excluded: new HashSet<string> { "a" }, category: null);

        Assert.Equal(["x", "y"], scored.Select(s => s.ItemId));
        Assert.Equal(2 * 0.5 + 0.2, scored[0].Score, 12);
        Assert.Equal("a", scored[0].Because);
        Assert.Equal(2 * 0.1 + 0.9, scored[1].Score, 12);
        Assert.Equal("b", scored[1].Because);
    }

    [Fact]
    public void Score_keeps_only_the_requested_category()
    {
        var neighbourhoods = new Dictionary<string, IReadOnlyList<SimilarItem>>
        {
            ["a"] = [new("x", 0.5, 3, "Shoes"), new("y", 0.4, 3, "hats")],
        };

        var scored = Scoring.Score([("a", 1.0)], neighbourhoods, new HashSet<string>(), category: "shoes");

        Assert.Equal(["x"], scored.Select(s => s.ItemId));
    }

    [Fact]
    public void Hybrid_score_scales_neighbourhood_and_own_affinity_per_user_and_names_the_dominant_part()
    {
        // Neighbourhood scores 4 and 2 scale to 1 and 0.5; own affinities 3 and 1 to 1 and 1/3; embedding as given.
        ScoredItem[] neighbourhood = [new("b", 4, "h1"), new("c", 2, "h2")];
        (string, double)[] embedding = [("b", 0.1), ("c", 0.2), ("d", 0.8)];
        (string, double)[] own = [("a", 3), ("c", 1)];

        var ranked = HybridScoring.Rank(neighbourhood, embedding, own, new BlendWeights(Neighbourhood: 1, Embedding: 1, Repeat: 0.6));

        // a = 0.6 (own); b = 1 + 0.1 (neighbourhood, because h1); c = 0.5 + 0.2 + 0.2; d = 0.8 (embedding).
        Assert.Equal(
            [("b", 1.1, ScoreSource.Neighbourhood, "h1"), ("c", 0.9, ScoreSource.Neighbourhood, "h2"), ("d", 0.8, ScoreSource.Embedding, null), ("a", 0.6, ScoreSource.Own, "a")],
            ranked.Select(r => (r.ItemId, Math.Round(r.Score, 9), r.Source, r.Because)));
    }

    [Fact]
    public void Hybrid_score_with_only_the_neighbourhood_weight_keeps_the_neighbourhood_order()
    {
        ScoredItem[] neighbourhood = [new("b", 4, "h1"), new("c", 2, "h2")];
        var ranked = HybridScoring.Rank(neighbourhood, [("c", 5.0)], [("c", 9.0)], new BlendWeights(1, 0, 0));
        Assert.Equal(["b", "c"], ranked.Select(r => r.ItemId));
        Assert.All(ranked, r => Assert.Equal(ScoreSource.Neighbourhood, r.Source));
    }

    [Fact]
    public void Hybrid_score_scales_the_item_to_item_part_per_user_and_names_its_strongest_history_item()
    {
        // Item-to-item scores 2 and 0.5 scale to 1 and 0.25 (the negative -1 to -0.5); neighbourhood 4 scales to 1.
        ScoredItem[] neighbourhood = [new("b", 4, "h1")];
        ScoredItem[] itemToItem = [new("c", 2, "h3"), new("b", 0.5, "h2"), new("e", -1, "h4")];

        var ranked = HybridScoring.Rank(neighbourhood, [], [], new BlendWeights(1, 0, 0, ItemToItem: 2), itemToItem);

        // c = 2 * 1 (item-to-item, because h3); b = 1 + 2 * 0.25 (neighbourhood, because h1); e = 2 * -0.5.
        Assert.Equal(
            [("c", 2.0, ScoreSource.ItemToItem, "h3"), ("b", 1.5, ScoreSource.Neighbourhood, "h1"), ("e", -1.0, ScoreSource.Neighbourhood, null)],
            ranked.Select(r => (r.ItemId, Math.Round(r.Score, 9), r.Source, r.Because)));
    }

    [Fact]
    public void Item_to_item_scores_sum_the_history_affinities_times_the_learned_weights()
    {
        var settings = new AlsSettings(1, 1, 1, 1, 1);
        var weights = new Dictionary<string, ItemWeight[]>
        {
            ["h1"] = [new("x", 0.5f), new("y", -0.25f)],
            ["h2"] = [new("x", 0.25f), new("z", 1f)],
        };
        var model = new EmbeddingModel(1, settings, [("h1", [1f]), ("h2", [1f]), ("x", [1f]), ("y", [1f]), ("z", [1f])], weights);

        var scores = model.ItemToItem([("h1", 2.0), ("h2", 4.0), ("unknown", 9.0)]);

        // x = 2 * 0.5 + 4 * 0.25 (h1 and h2 add 1 each: the first stays named); y = 2 * -0.25; z = 4 * 1, not allowed.
        Assert.Equal([new ScoredItem("x", 2, "h1"), new ScoredItem("y", -0.5, "h1")], scores.Top(10, item => item != "z"));
        Assert.Equal([new ScoredItem("z", 4, "h2")], scores.Top(1, _ => true));
        Assert.Equal(new ScoredItem("z", 4, "h2"), scores.Find("z"));
        Assert.Null(scores.Find("h1"));
    }
}
