using MathNet.Numerics.Providers.LinearAlgebra;

namespace OrleansReco.Grains.Model;

/// <summary>Hyper-parameters of implicit ALS; <see cref="Seed"/> makes training repeatable.</summary>
public sealed record AlsSettings(int Factors, double Regularization, double ConfidenceScale, int Sweeps, int Seed)
{
    public static AlsSettings From(ModelOptions options) => new(
        options.EmbeddingFactors, options.EmbeddingRegularization, options.EmbeddingConfidenceScale, options.EmbeddingSweeps, options.EmbeddingSeed);
}

/// <summary>
/// Users' current histories as a sparse matrix of preference strengths r(u,i) &gt; 0. Users and items are held in
/// ordinal order of their ids, so the same histories give the same matrix whatever order they arrived in.
/// </summary>
public sealed class InteractionMatrix
{
    private InteractionMatrix(string[] users, string[] items, int[][] userItems, double[][] userValues, int[][] itemUsers, double[][] itemValues)
    {
        Users = users;
        Items = items;
        UserItems = userItems;
        UserValues = userValues;
        ItemUsers = itemUsers;
        ItemValues = itemValues;
    }

    public string[] Users { get; }
    public string[] Items { get; }
    public int[][] UserItems { get; }
    public double[][] UserValues { get; }
    public int[][] ItemUsers { get; }
    public double[][] ItemValues { get; }
    public long NonZeros => UserItems.Sum(row => (long)row.Length);

    /// <summary>Users without a positive entry and entries with r &lt;= 0 are left out: they carry no preference.</summary>
    public static InteractionMatrix From(IEnumerable<(string User, IReadOnlyList<(string Item, double Strength)> Items)> histories)
    {
        var rows = histories
            .Select(h => (h.User, Items: h.Items.Where(x => x.Strength > 0).ToList()))
            .Where(h => h.Items.Count > 0)
            .OrderBy(h => h.User, StringComparer.Ordinal)
            .ToList();
        var items = rows.SelectMany(r => r.Items.Select(x => x.Item)).Distinct().Order(StringComparer.Ordinal).ToArray();
        var itemIndex = new Dictionary<string, int>(items.Length, StringComparer.Ordinal);
        for (var i = 0; i < items.Length; i++) itemIndex[items[i]] = i;

        var userItems = new int[rows.Count][];
        var userValues = new double[rows.Count][];
        var itemCounts = new int[items.Length];
        for (var u = 0; u < rows.Count; u++)
        {
            var row = rows[u].Items
                .GroupBy(x => itemIndex[x.Item])
                .Select(g => (Index: g.Key, Strength: g.Sum(x => x.Strength)))
                .OrderBy(x => x.Index)
                .ToArray();
            userItems[u] = row.Select(x => x.Index).ToArray();
            userValues[u] = row.Select(x => x.Strength).ToArray();
            foreach (var (index, _) in row) itemCounts[index]++;
        }

        var itemUsers = itemCounts.Select(n => new int[n]).ToArray();
        var itemValues = itemCounts.Select(n => new double[n]).ToArray();
        var filled = new int[items.Length];
        for (var u = 0; u < rows.Count; u++)
        {
            for (var n = 0; n < userItems[u].Length; n++)
            {
                var i = userItems[u][n];
                itemUsers[i][filled[i]] = u;
                itemValues[i][filled[i]++] = userValues[u][n];
            }
        }
        return new InteractionMatrix(rows.Select(r => r.User).ToArray(), items, userItems, userValues, itemUsers, itemValues);
    }
}

/// <summary>Trained factors: row i of <see cref="ItemFactors"/> is item <c>Items[i]</c>'s vector.</summary>
public sealed record AlsFactors(string[] Items, double[][] ItemFactors, string[] Users, double[][] UserFactors);

/// <summary>
/// Implicit-feedback ALS (Hu, Koren, Volinsky 2008): minimise sum over all (u,i) of c(u,i) (p(u,i) - x_u.y_i)^2 +
/// lambda (|x|^2 + |y|^2), with p = 1 where r &gt; 0 (else 0) and confidence c = 1 + alpha r. Each half-sweep solves
/// every row exactly, using Y^T Y for the zeros so the cost is linear in the non-zeros. Rows are independent, so
/// they are solved in parallel without changing the result: training is deterministic given the seed.
/// </summary>
public static class ImplicitAls
{
    public static AlsFactors Train(InteractionMatrix matrix, AlsSettings settings, CancellationToken cancellationToken = default)
    {
        var f = settings.Factors;
        var random = new Random(settings.Seed);
        // Small random item vectors in item order; users are solved from them first.
        var items = Enumerable.Range(0, matrix.Items.Length)
            .Select(_ => Enumerable.Range(0, f).Select(_ => (random.NextDouble() - 0.5) * 0.1).ToArray())
            .ToArray();
        var users = new double[matrix.Users.Length][];
        for (var sweep = 0; sweep < settings.Sweeps; sweep++)
        {
            SolveAll(users, items, matrix.UserItems, matrix.UserValues, settings, cancellationToken);
            SolveAll(items, users, matrix.ItemUsers, matrix.ItemValues, settings, cancellationToken);
        }
        return new AlsFactors(matrix.Items, items, matrix.Users, users);
    }

    /// <summary>Y^T Y, row-major f x f: the part of every row's normal equations that the zeros contribute.</summary>
    public static double[] Gram(IReadOnlyList<double[]> vectors, int factors)
    {
        var gram = new double[factors * factors];
        foreach (var y in vectors)
        {
            for (var a = 0; a < factors; a++)
            {
                var ya = y[a];
                for (var b = a; b < factors; b++) gram[a * factors + b] += ya * y[b];
            }
        }
        Symmetrise(gram, factors);
        return gram;
    }

    /// <summary>
    /// The least-squares vector of one row (a user, given item vectors) against fixed vectors of the other side: the
    /// same solve a sweep does, so folding in a user with an unchanged history gives the vector training would.
    /// </summary>
    public static double[] Solve(
        double[] gram, IReadOnlyList<double[]> vectors, IReadOnlyList<double> strengths, AlsSettings settings)
    {
        var f = settings.Factors;
        var a = new double[f * f];
        var b = new double[f];
        Accumulate(a, b, gram, vectors, strengths, settings);
        LinearAlgebraControl.Provider.CholeskyFactor(a, f);
        LinearAlgebraControl.Provider.CholeskySolveFactored(a, f, b, 1);
        return b;
    }

    public static double Dot(double[] x, double[] y)
    {
        var sum = 0.0;
        for (var i = 0; i < x.Length; i++) sum += x[i] * y[i];
        return sum;
    }

    private static void SolveAll(
        double[][] target, double[][] fixedSide, int[][] indices, double[][] values, AlsSettings settings, CancellationToken cancellationToken)
    {
        var gram = Gram(fixedSide, settings.Factors);
        Parallel.For(0, target.Length, new ParallelOptions { CancellationToken = cancellationToken }, row =>
        {
            var vectors = new double[indices[row].Length][];
            for (var n = 0; n < vectors.Length; n++) vectors[n] = fixedSide[indices[row][n]];
            target[row] = Solve(gram, vectors, values[row], settings);
        });
    }

    /// <summary>A = Y^T Y + lambda I + sum alpha r y y^T (upper triangle, then mirrored); b = sum (1 + alpha r) y.</summary>
    private static void Accumulate(
        double[] a, double[] b, double[] gram, IReadOnlyList<double[]> vectors, IReadOnlyList<double> strengths, AlsSettings settings)
    {
        var f = settings.Factors;
        Array.Copy(gram, a, gram.Length);
        for (var d = 0; d < f; d++) a[d * f + d] += settings.Regularization;
        for (var n = 0; n < vectors.Count; n++)
        {
            var y = vectors[n];
            var extra = settings.ConfidenceScale * strengths[n];
            for (var i = 0; i < f; i++)
            {
                b[i] += (1 + extra) * y[i];
                VectorMath.AddScaled(a.AsSpan(i * f + i, f - i), y.AsSpan(i), extra * y[i]);
            }
        }
        Symmetrise(a, f);
    }

    private static void Symmetrise(double[] matrix, int order)
    {
        for (var i = 0; i < order; i++)
        {
            for (var j = i + 1; j < order; j++) matrix[j * order + i] = matrix[i * order + j];
        }
    }
}
