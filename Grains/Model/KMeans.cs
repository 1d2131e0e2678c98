namespace OrleansReco.Grains.Model;

/// <summary>
/// k-means over the shoppers' ALS vectors: k-means++ seeding (Arthur and Vassilvitskii 2007) from a seeded random
/// source, then Lloyd iterations until no point changes cluster. Written here rather than taken from Microsoft.ML's
/// KMeansTrainer: that package (with its CpuMath native library and the IDataView stack) would be loaded into every
/// silo for some forty lines of arithmetic, and its trainer's result depends on its own threading and
/// initialisation, where this one is a function of the points, k and the seed, as the ALS training is, so the same
/// histories give the same segments on every run (docs/architecture.md).
/// </summary>
public static class KMeans
{
    /// <summary>
    /// The centroids of at most <paramref name="k"/> clusters of <paramref name="points"/> (fewer when there are fewer
    /// distinct points), after at most <paramref name="maxIterations"/> Lloyd iterations. A cluster that empties keeps
    /// its centroid (it then holds no point; <see cref="ShopperSegmentation"/> drops such clusters).
    /// </summary>
    public static double[][] Fit(IReadOnlyList<double[]> points, int k, int seed, int maxIterations)
    {
        if (points.Count == 0 || k <= 0) return [];
        var centroids = Seed(points, k, new Random(seed));
        Lloyd(points, centroids, maxIterations);
        return centroids;
    }

    /// <summary>
    /// Lloyd iterations from the given centroids, in place: assign every point to its nearest centroid, move each
    /// centroid to the mean of its points, until no assignment changes. The assignments are independent and are made
    /// in parallel; the means are summed in point order, so the result does not depend on the threads.
    /// </summary>
    public static void Lloyd(IReadOnlyList<double[]> points, double[][] centroids, int maxIterations)
    {
        if (points.Count == 0 || centroids.Length == 0) return;
        var dimensions = points[0].Length;
        var assigned = new int[points.Count];
        Array.Fill(assigned, -1);
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            var changed = 0;
            Parallel.For(0, points.Count, () => 0, (p, _, local) =>
            {
                var nearest = Nearest(centroids, points[p]);
                if (nearest == assigned[p]) return local;
                assigned[p] = nearest;
                return local + 1;
            }, local => Interlocked.Add(ref changed, local));
            if (changed == 0) break;

            var sums = new double[centroids.Length][];
            var counts = new int[centroids.Length];
            for (var c = 0; c < centroids.Length; c++) sums[c] = new double[dimensions];
            for (var p = 0; p < points.Count; p++)
            {
                VectorMath.AddScaled(sums[assigned[p]], points[p], 1);
                counts[assigned[p]]++;
            }
            for (var c = 0; c < centroids.Length; c++)
            {
                if (counts[c] == 0) continue; // keeps its place; nothing is nearest to it now
                for (var d = 0; d < dimensions; d++) centroids[c][d] = sums[c][d] / counts[c];
            }
        }
    }

    /// <summary>The index of the centroid nearest to <paramref name="point"/> (squared Euclidean); of equals, the first.</summary>
    public static int Nearest(IReadOnlyList<double[]> centroids, ReadOnlySpan<double> point)
    {
        var best = -1;
        var bestDistance = double.PositiveInfinity;
        for (var c = 0; c < centroids.Count; c++)
        {
            var distance = SquaredDistance(centroids[c], point);
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = c;
            }
        }
        return best;
    }

    public static double SquaredDistance(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var sum = 0.0;
        for (var d = 0; d < x.Length; d++)
        {
            var difference = x[d] - y[d];
            sum += difference * difference;
        }
        return sum;
    }

    /// <summary>
    /// k-means++: the first centroid uniformly at random, each next one a point drawn with probability proportional to
    /// its squared distance from the nearest centroid so far. Spread-out seeds make Lloyd's result far less dependent
    /// on luck than k random points; a point already chosen has distance 0 and is never drawn twice.
    /// </summary>
    private static double[][] Seed(IReadOnlyList<double[]> points, int k, Random random)
    {
        var centroids = new List<double[]> { (double[])points[random.Next(points.Count)].Clone() };
        var distances = new double[points.Count];
        for (var p = 0; p < points.Count; p++) distances[p] = SquaredDistance(points[p], centroids[0]);
        while (centroids.Count < k)
        {
            var total = distances.Sum();
            if (total <= 0) break; // every point is a centroid already: no more distinct clusters
            var draw = random.NextDouble() * total;
            var chosen = -1;
            for (var p = 0; p < points.Count; p++)
            {
                if (distances[p] <= 0) continue;
                chosen = p; // rounding may leave draw at 0 past the end: then the last point that can be drawn
                draw -= distances[p];
                if (draw < 0) break;
            }
            var centroid = (double[])points[chosen].Clone();
            centroids.Add(centroid);
            for (var p = 0; p < points.Count; p++) distances[p] = Math.Min(distances[p], SquaredDistance(points[p], centroid));
        }
        return centroids.ToArray();
    }
}
