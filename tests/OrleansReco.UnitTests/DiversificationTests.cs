using FsCheck.Xunit;
using OrleansReco.Grains.Model;
using Xunit;

namespace OrleansReco.UnitTests;

/// <summary>
/// The re-ranking behind the <c>diversity</c> and <c>maxPerCategory</c> options: hand-computed cases, and properties
/// over random pools that must hold for any pool, count, λ, cap and similarity.
/// </summary>
public sealed class DiversificationTests
{
    /// <summary>Two near-duplicate mugs (similarity .9), then a plate unlike either (0).</summary>
    private static readonly DiversityCandidate[] MugsThenPlate =
    [
        new("mug-1", 10, "mugs"), new("mug-2", 9, "mugs"), new("plate", 5, "plates"),
    ];

    private static double MugSimilarity(int a, int b) => a < 2 && b < 2 ? (a == b ? 1 : 0.9) : a == b ? 1 : 0;

    [Fact]
    public void Mmr_takes_the_dissimilar_item_once_its_marginal_score_is_higher()
    {
        // Relevance scaled over the pool: mug-1 1, mug-2 .8, plate 0. After mug-1:
        // λ .25: mug-2 .75 * .8 - .25 * .9 = .375 > plate 0; λ .5: mug-2 .5 * .8 - .5 * .9 = -.05 < plate 0.
        Assert.Equal([0, 1], Diversification.Rerank(MugsThenPlate, 2, 0.25, null, MugSimilarity));
        Assert.Equal([0, 2], Diversification.Rerank(MugsThenPlate, 2, 0.5, null, MugSimilarity));
        Assert.Equal([0, 2, 1], Diversification.Rerank(MugsThenPlate, 3, 0.5, null, MugSimilarity));
    }

    [Fact]
    public void At_diversity_1_the_most_relevant_item_still_comes_first()
    {
        Assert.Equal([0, 2, 1], Diversification.Rerank(MugsThenPlate, 3, 1, null, MugSimilarity));
    }

    [Fact]
    public void The_cap_passes_over_a_full_category_and_case_does_not_make_a_new_one()
    {
        DiversityCandidate[] pool = [new("a", 4, "Mugs"), new("b", 3, "mugs"), new("c", 2, null), new("d", 1, "plates"), new("e", 0, null)];

        Assert.Equal([0, 2, 3], Diversification.Rerank(pool, 3, 0, 1, NoSimilarity));
        // Items without a category are never capped; a list the pool cannot fill under the cap comes out shorter.
        Assert.Equal([0, 2, 3, 4], Diversification.Rerank(pool, 5, 0, 1, NoSimilarity));
        // Categories already listed (another part of the list) count against the cap.
        Assert.Equal([2, 3, 4], Diversification.Rerank(pool, 3, 0, 1, NoSimilarity, ["MUGS"]));
    }

    [Fact]
    public void Without_any_similarity_the_order_stays_whatever_the_diversity()
    {
        var pool = Enumerable.Range(0, 8).Select(i => new DiversityCandidate($"i{i}", 8 - i, null)).ToList();
        Assert.Equal(Enumerable.Range(0, 5), Diversification.Rerank(pool, 5, 1, null, NoSimilarity));
    }

    [Fact]
    public void Higher_diversity_never_lowers_intra_list_diversity_on_two_clusters()
    {
        // Six relevant items of one taste (similar .8 to each other), six less relevant of another (.8 among
        // themselves, .1 across): λ trades the first cluster's relevance for the second's difference.
        var pool = Enumerable.Range(0, 12)
            .Select(i => new DiversityCandidate($"i{i:00}", i < 6 ? 20 - i : 10 - i, null))
            .ToList();
        double Similarity(int a, int b) => a == b ? 1 : (a < 6) == (b < 6) ? 0.8 : 0.1;

        var diversities = new[] { 0, 0.1, 0.25, 0.5, 0.75, 0.9, 1 }
            .Select(lambda => IntraListDiversity(Diversification.Rerank(pool, 6, lambda, null, Similarity), Similarity))
            .ToList();

        // The same pairs summed in another order may differ in the last bit.
        for (var i = 1; i < diversities.Count; i++) Assert.True(diversities[i] >= diversities[i - 1] - 1e-12, string.Join(", ", diversities));
        Assert.True(diversities[^1] > diversities[0]);
    }

    [Property(MaxTest = 300)]
    public bool At_diversity_0_without_a_cap_the_list_is_the_ranked_list(int seed)
    {
        var random = new Random(seed);
        var pool = RandomPool(random);
        var count = random.Next(0, pool.Count + 5);
        // Any similarity at all: at λ 0 it weighs nothing.
        return Diversification.Rerank(pool, count, 0, null, (_, _) => random.NextDouble())
            .SequenceEqual(Enumerable.Range(0, Math.Min(count, pool.Count)));
    }

    [Property(MaxTest = 300)]
    public bool The_cap_is_never_exceeded_and_the_list_is_as_long_as_the_cap_allows(int seed)
    {
        var random = new Random(seed);
        var pool = RandomPool(random);
        var count = random.Next(0, pool.Count + 5);
        var cap = random.Next(1, 4);
        var lambda = random.Next(5) / 4.0;
        var similarity = RandomSimilarity(random, pool.Count);

        var list = Diversification.Rerank(pool, count, lambda, cap, similarity);

        var perCategory = list.Select(i => pool[i].Category).OfType<string>().GroupBy(c => c, StringComparer.OrdinalIgnoreCase);
        var fillable = pool.Count(c => c.Category is null)
            + pool.Where(c => c.Category is not null).GroupBy(c => c.Category!, StringComparer.OrdinalIgnoreCase).Sum(g => Math.Min(cap, g.Count()));
        return perCategory.All(g => g.Count() <= cap)
            && list.Distinct().Count() == list.Count
            && list.Count == Math.Min(count, fillable);
    }

    [Property(MaxTest = 300)]
    public bool Relevance_on_another_scale_gives_the_same_list(int seed)
    {
        // What makes λ mean the same in both modes and under any blend weights: only the pool's order and spacing count.
        var random = new Random(seed);
        var pool = RandomPool(random);
        var count = random.Next(0, pool.Count + 1);
        var lambda = random.NextDouble();
        var similarity = RandomSimilarity(random, pool.Count);
        var (scale, shift) = (0.5 + random.Next(1, 64), random.Next(-100, 100));
        var moved = pool.Select(c => c with { Relevance = c.Relevance * scale + shift }).ToList();

        return Diversification.Rerank(pool, count, lambda, 2, similarity)
            .SequenceEqual(Diversification.Rerank(moved, count, lambda, 2, similarity));
    }

    [Property(MaxTest = 200)]
    public bool Equal_inputs_give_equal_lists(int seed)
    {
        var random = new Random(seed);
        var pool = RandomPool(random);
        var similarity = RandomSimilarity(random, pool.Count);
        var lambda = random.Next(5) / 4.0; // quarters: exact ties happen
        return Diversification.Rerank(pool, pool.Count, lambda, null, similarity)
            .SequenceEqual(Diversification.Rerank(pool, pool.Count, lambda, null, similarity));
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void A_diversity_outside_0_to_1_is_refused(double lambda) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Diversification.Rerank(MugsThenPlate, 2, lambda, null, MugSimilarity));

    [Fact]
    public void A_cap_below_1_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Diversification.Rerank(MugsThenPlate, 2, 0, 0, MugSimilarity));

    [Theory]
    [InlineData(1, 4)]
    [InlineData(10, 40)]
    [InlineData(50, 200)]
    [InlineData(100, 200)]
    public void The_pool_is_a_multiple_of_the_count_up_to_its_bound(int count, int pool) =>
        Assert.Equal(pool, Diversification.PoolSize(count));

    [Fact]
    public void Model_similarity_is_the_vectors_cosine_clamped_to_0_and_1_and_0_for_unknown_items()
    {
        var model = new EmbeddingModel(1, new AlsSettings(2, 1, 1, 1, 1),
            [("a", [1f, 0f]), ("b", [2f, 0f]), ("c", [1f, 1f]), ("d", [-1f, 0f])]);

        Assert.Equal(1, model.Similarity("a", "b"), 5);
        Assert.Equal(Math.Sqrt(0.5), model.Similarity("a", "c"), 5);
        Assert.Equal(0, model.Similarity("a", "d")); // cosine -1
        Assert.Equal(0, model.Similarity("a", "unknown"));
        var pairwise = model.Similarities(["c", "unknown", "a"]);
        Assert.Equal(model.Similarity("c", "a"), pairwise(0, 2), 6);
        Assert.Equal(0, pairwise(0, 1));
    }

    private static double NoSimilarity(int a, int b) => 0;

    /// <summary>1 - mean pairwise similarity of a list: what the test above compares across λ.</summary>
    private static double IntraListDiversity(List<int> list, Func<int, int, double> similarity)
    {
        var pairs = list.SelectMany((a, i) => list.Skip(i + 1).Select(b => similarity(a, b))).ToList();
        return 1 - pairs.Average();
    }

    /// <summary>A pool as the recommender hands it over: by relevance, best first, ties by id; a few categories, some none.</summary>
    private static List<DiversityCandidate> RandomPool(Random random)
    {
        string?[] categories = [null, "a", "A", "b", "c", "d"];
        return Enumerable.Range(0, random.Next(0, 30))
            .Select(i => new DiversityCandidate($"item-{i:00}", random.Next(0, 8) - 2 + random.Next(2) * 0.5, categories[random.Next(categories.Length)]))
            .OrderByDescending(c => c.Relevance)
            .ThenBy(c => c.ItemId, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>A symmetric similarity in [0, 1], in steps so that ties happen.</summary>
    private static Func<int, int, double> RandomSimilarity(Random random, int size)
    {
        var matrix = new double[size, size];
        for (var a = 0; a < size; a++)
        {
            matrix[a, a] = 1;
            for (var b = a + 1; b < size; b++) matrix[a, b] = matrix[b, a] = random.Next(5) / 4.0;
        }
        return (a, b) => matrix[a, b];
    }
}
