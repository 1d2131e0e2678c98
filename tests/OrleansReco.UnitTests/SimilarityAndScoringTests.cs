using Xunit;
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
    public void Repeat_aware_scoring_adds_the_weighted_own_affinity_and_names_the_item_itself_when_that_dominates()
    {
        var neighbourhoods = new Dictionary<string, IReadOnlyList<SimilarItem>>
        {
            ["a"] = [new("b", 0.5, 3, "x"), new("c", 0.1, 3, "x")],
        };
        // b = 2 * 0.5 = 1.0 (because a); c = 2 * 0.1 + 1 * 1.0 = 1.2 (its own affinity is the larger part);
        // a = 1 * 2.0 = 2.0, only from the user's own affinity.
        var scored = Scoring.Score([("a", 2.0)], neighbourhoods, new HashSet<string>(), category: null,
            own: [("a", 2.0), ("c", 1.0)], ownWeight: 1);

        Assert.Equal([("a", 2.0, "a"), ("c", 1.2, "c"), ("b", 1.0, "a")],
            scored.Select(s => (s.ItemId, Math.Round(s.Score, 9), s.Because)));
        Assert.Equal([true, true, false], scored.Select(s => s.IsRepeat));

        // With a category, an own item counts only where a neighbourhood told its category.
        var shoes = Scoring.Score([("a", 2.0)], neighbourhoods, new HashSet<string>(), category: "x",
            own: [("a", 2.0), ("c", 1.0)], ownWeight: 1);
        Assert.Equal(["c", "b"], shoes.Select(s => s.ItemId));
    }
}
