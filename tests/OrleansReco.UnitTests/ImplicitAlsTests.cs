using OrleansReco.Grains.Model;
using Xunit;

namespace OrleansReco.UnitTests;

public sealed class ImplicitAlsTests
{
    private static readonly AlsSettings Settings = new(Factors: 4, Regularization: 0.1, ConfidenceScale: 2, Sweeps: 10, Seed: 7);

    /// <summary>Two tastes: users 0-9 hold items a0-a4, users 10-19 items b0-b4, each missing one item of their side.</summary>
    private static List<(string User, IReadOnlyList<(string Item, double Strength)> Items)> TwoTastes()
    {
        var histories = new List<(string, IReadOnlyList<(string, double)>)>();
        for (var u = 0; u < 20; u++)
        {
            var side = u < 10 ? "a" : "b";
            histories.Add(($"u{u:D2}", Enumerable.Range(0, 5).Where(i => i != u % 5).Select(i => ($"{side}{i}", 1.0 + i % 2)).ToList()));
        }
        return histories;
    }

    [Fact]
    public void Users_prefer_the_unseen_items_of_their_own_taste()
    {
        var factors = ImplicitAls.Train(InteractionMatrix.From(TwoTastes()), Settings);
        var model = new EmbeddingModel(1, Settings, factors.Items.Select((item, i) => (item, Array.ConvertAll(factors.ItemFactors[i], v => (float)v))).ToList());

        var user = model.FoldIn([("a1", 1.0), ("a2", 1.0), ("a3", 1.0), ("a4", 1.0)])!;
        Assert.True(model.Score(user, "a0") > model.Score(user, "b0"));
        Assert.Equal("a0", model.Top(user, 1, item => item is not ("a1" or "a2" or "a3" or "a4"))[0].ItemId);
    }

    [Fact]
    public void Training_is_deterministic_and_independent_of_the_order_histories_arrive_in()
    {
        var histories = TwoTastes();
        var first = ImplicitAls.Train(InteractionMatrix.From(histories), Settings);
        var reordered = histories.AsEnumerable().Reverse()
            .Select(h => (h.User, (IReadOnlyList<(string, double)>)h.Items.Reverse().ToList()));
        var second = ImplicitAls.Train(InteractionMatrix.From(reordered), Settings);

        Assert.Equal(first.Items, second.Items);
        for (var i = 0; i < first.Items.Length; i++) Assert.Equal(first.ItemFactors[i], second.ItemFactors[i]);
        var otherSeed = ImplicitAls.Train(InteractionMatrix.From(histories), Settings with { Seed = 8 });
        Assert.NotEqual(first.ItemFactors[0], otherSeed.ItemFactors[0]);
    }

    [Fact]
    public void A_fold_in_solves_the_users_normal_equations()
    {
        var factors = ImplicitAls.Train(InteractionMatrix.From(TwoTastes()), Settings);
        var gram = ImplicitAls.Gram(factors.ItemFactors, Settings.Factors);
        var vectors = new[] { factors.ItemFactors[0], factors.ItemFactors[3] };
        double[] strengths = [1.0, 2.5];

        var x = ImplicitAls.Solve(gram, vectors, strengths, Settings);

        // (Y^T Y + lambda I + sum alpha r y y^T) x = sum (1 + alpha r) y, checked row by row.
        var f = Settings.Factors;
        for (var i = 0; i < f; i++)
        {
            var lhs = Settings.Regularization * x[i];
            for (var j = 0; j < f; j++) lhs += gram[i * f + j] * x[j];
            var rhs = 0.0;
            for (var n = 0; n < vectors.Length; n++)
            {
                var alphaR = Settings.ConfidenceScale * strengths[n];
                lhs += alphaR * vectors[n][i] * ImplicitAls.Dot(vectors[n], x);
                rhs += (1 + alphaR) * vectors[n][i];
            }
            Assert.Equal(rhs, lhs, 9);
        }
    }

    [Fact]
    public void Entries_without_preference_are_left_out_and_a_user_with_none_is_not_in_the_matrix()
    {
        var matrix = InteractionMatrix.From([("u1", [("x", 1.0), ("y", 0.0)]), ("u2", [("y", 0.0)])]);
        Assert.Equal(["u1"], matrix.Users);
        Assert.Equal(["x"], matrix.Items);
        Assert.Equal(1, matrix.NonZeros);
    }

    [Fact]
    public void Top_breaks_ties_by_id_and_honours_the_filter()
    {
        var settings = Settings with { Factors = 1 };
        var model = new EmbeddingModel(1, settings, [("c", [1f]), ("a", [1f]), ("b", [2f]), ("d", [0.5f])]);
        float[] user = [1f];
        Assert.Equal(["b", "a", "c"], model.Top(user, 3, _ => true).Select(t => t.ItemId));
        Assert.Equal(["a", "c", "d"], model.Top(user, 3, item => item != "b").Select(t => t.ItemId));
        Assert.Null(model.FoldIn([("z", 1.0)]));
    }
}
