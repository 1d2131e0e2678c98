using MathNet.Numerics.LinearAlgebra;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;
using Xunit;

namespace OrleansReco.UnitTests;

public sealed class EaseTests
{
    private static InteractionMatrix Matrix(params (string User, string[] Items)[] histories) =>
        InteractionMatrix.From(histories.Select(h => (h.User, (IReadOnlyList<(string, double)>)h.Items.Select(i => (i, 1.0)).ToList())));

    [Theory]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(150)] // three pivot blocks, the last one short
    public void The_block_inverse_times_the_matrix_is_the_identity(int order)
    {
        var random = new Random(order);
        // M M^T + I: symmetric positive definite, of varied scale.
        var m = Matrix<double>.Build.Dense(order, order, (_, _) => random.NextDouble() - 0.5);
        var spd = m * m.Transpose() + Matrix<double>.Build.DenseIdentity(order);
        var values = new double[order * order];
        for (var i = 0; i < order; i++) for (var j = 0; j < order; j++) values[i * order + j] = spd[i, j];

        SymmetricInverse.Invert(values, order);

        var inverse = Matrix<double>.Build.Dense(order, order, (i, j) => values[i * order + j]);
        var product = spd * inverse;
        for (var i = 0; i < order; i++)
        {
            for (var j = 0; j < order; j++) Assert.Equal(i == j ? 1 : 0, product[i, j], 1e-9);
        }
    }

    [Fact]
    public void A_matrix_that_is_not_positive_definite_is_refused()
    {
        double[] values = [1, 2, 2, 1]; // eigenvalues 3 and -1
        Assert.Throws<ArgumentException>(() => SymmetricInverse.Invert(values, 2));
    }

    [Fact]
    public void Two_items_always_held_together_get_the_hand_computed_weight()
    {
        // G = [[1, 1], [1, 1]] + lambda I, P = G^-1 = [[1 + l, -1], [-1, 1 + l]] / ((1 + l)^2 - 1),
        // B(a,b) = -P(a,b) / P(b,b) = 1 / (1 + l) = 0.25 for l = 3.
        var weights = Ease.Train(Matrix(("u", ["a", "b"])), new EaseSettings(Regularization: 3, MaxItems: 10, Neighbours: 10));

        Assert.Equal([new ItemWeight("b", 0.25f)], weights["a"]);
        Assert.Equal([new ItemWeight("a", 0.25f)], weights["b"]);
    }

    [Fact]
    public void Weights_are_the_closed_form_solution_for_weighted_rows()
    {
        var random = new Random(5);
        var matrix = InteractionMatrix.From(Enumerable.Range(0, 40).Select(u => ($"u{u}", (IReadOnlyList<(string, double)>)Enumerable.Range(0, 12)
            .Where(i => i == u % 12 || random.Next(3) == 0)
            .Select(i => ($"i{i:D2}", 0.1 + random.NextDouble()))
            .ToList())));
        const double lambda = 2;

        var weights = Ease.Train(matrix, new EaseSettings(lambda, MaxItems: 100, Neighbours: 100));

        // X^T X + lambda I and its inverse by MathNet, independently of the block inverse.
        var n = matrix.Items.Length;
        var x = Matrix<double>.Build.Dense(matrix.Users.Length, n);
        for (var u = 0; u < matrix.Users.Length; u++)
        {
            for (var e = 0; e < matrix.UserItems[u].Length; e++) x[u, matrix.UserItems[u][e]] = matrix.UserValues[u][e];
        }
        var p = (x.Transpose() * x + lambda * Matrix<double>.Build.DenseIdentity(n)).Inverse();
        for (var i = 0; i < n; i++)
        {
            var row = weights[matrix.Items[i]].ToDictionary(w => w.ItemId, w => w.Weight);
            Assert.Equal(n - 1, row.Count);
            for (var j = 0; j < n; j++)
            {
                if (j != i) Assert.Equal(-p[i, j] / p[j, j], row[matrix.Items[j]], 1e-6);
            }
        }
    }

    [Fact]
    public void Recency_rows_weigh_each_entry_by_its_age_against_the_newest_event_of_all()
    {
        const long day = 86_400;
        IReadOnlyList<(string, IReadOnlyList<HistoryAffinity>)> histories =
        [
            ("u1", [new("a", 9, true, 9, LastSeen: 100 * day), new("b", 1, true, 1, LastSeen: 70 * day)]),
            ("u2", [new("a", 1, true, 1, LastSeen: 40 * day)]),
        ];

        var rows = Ease.RecencyRows(histories, TimeSpan.FromDays(30)).ToList();

        // Newest event of all: day 100. Affinities play no part.
        Assert.Equal([("a", 1.0), ("b", 0.5)], rows[0].Items);
        Assert.Equal([("a", 0.25)], rows[1].Items);
        Assert.All(Ease.RecencyRows(histories, TimeSpan.Zero).SelectMany(r => r.Items), x => Assert.Equal(1.0, x.Strength));
    }

    [Fact]
    public void Only_the_most_held_items_take_part_and_each_keeps_its_strongest_weights()
    {
        // c is held by everyone, a by three, b by two, d by one.
        var matrix = Matrix(("u1", ["a", "b", "c"]), ("u2", ["a", "b", "c"]), ("u3", ["a", "c", "d"]), ("u4", ["c"]));

        var weights = Ease.Train(matrix, new EaseSettings(Regularization: 1, MaxItems: 3, Neighbours: 1));

        Assert.Equal(["a", "b", "c"], weights.Keys.Order(StringComparer.Ordinal));
        Assert.All(weights.Values, row => Assert.Single(row));
        var full = Ease.Train(matrix, new EaseSettings(Regularization: 1, MaxItems: 3, Neighbours: 2));
        foreach (var (item, row) in weights)
        {
            Assert.Equal(full[item].MaxBy(w => Math.Abs(w.Weight)), row[0]);
        }
    }
}
