namespace OrleansReco.Grains.Model;

/// <summary>
/// Inverts a symmetric positive definite matrix in place by block Gauss-Jordan elimination. Positive definite needs no
/// pivoting, and blocks of <see cref="Block"/> pivots let each pass over the matrix do that many row updates while the
/// row is in cache: about 5 s for 3,500 items on two cores, where the general-purpose managed inverse took minutes.
/// Rows are updated in parallel, each in a fixed order, so the result does not depend on the thread count.
/// </summary>
public static class SymmetricInverse
{
    private const int Block = 64;

    /// <param name="matrix">Row-major <paramref name="order"/> x <paramref name="order"/>; replaced by its inverse.</param>
    public static void Invert(double[] matrix, int order, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(matrix.Length, order * order);
        for (var start = 0; start < order; start += Block)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var size = Math.Min(Block, order - start);
            var pivotInverse = PivotBlockInverse(matrix, order, start, size);

            // The pivot rows times the pivot block's inverse, with zeros where the pivot block was.
            var pivotRows = new double[size * order];
            for (var i = 0; i < size; i++)
            {
                var target = pivotRows.AsSpan(i * order, order);
                for (var t = 0; t < size; t++) VectorMath.AddScaled(target, matrix.AsSpan((start + t) * order, order), pivotInverse[i * size + t]);
                target.Slice(start, size).Clear();
            }

            Parallel.For(0, order, new ParallelOptions { CancellationToken = cancellationToken }, row =>
            {
                if (row >= start && row < start + size) return;
                var values = matrix.AsSpan(row * order, order);
                var factors = values.Slice(start, size).ToArray();
                values.Slice(start, size).Clear();
                for (var t = 0; t < size; t++) VectorMath.AddScaled(values, pivotRows.AsSpan(t * order, order), -factors[t]);
                for (var j = 0; j < size; j++)
                {
                    var sum = 0.0;
                    for (var t = 0; t < size; t++) sum += factors[t] * pivotInverse[t * size + j];
                    values[start + j] = -sum;
                }
            });

            for (var i = 0; i < size; i++)
            {
                pivotRows.AsSpan(i * order, order).CopyTo(matrix.AsSpan((start + i) * order, order));
                pivotInverse.AsSpan(i * size, size).CopyTo(matrix.AsSpan((start + i) * order + start, size));
            }
        }
    }

    /// <summary>The inverse of the diagonal block at <paramref name="start"/>, by plain Gauss-Jordan on a copy.</summary>
    private static double[] PivotBlockInverse(double[] matrix, int order, int start, int size)
    {
        var block = new double[size * size];
        for (var i = 0; i < size; i++) matrix.AsSpan((start + i) * order + start, size).CopyTo(block.AsSpan(i * size, size));
        for (var k = 0; k < size; k++)
        {
            var pivot = block[k * size + k];
            if (!(pivot > 0)) throw new ArgumentException("The matrix is not positive definite.", nameof(matrix));
            block[k * size + k] = 1;
            for (var j = 0; j < size; j++) block[k * size + j] /= pivot;
            for (var i = 0; i < size; i++)
            {
                if (i == k) continue;
                var factor = block[i * size + k];
                block[i * size + k] = 0;
                VectorMath.AddScaled(block.AsSpan(i * size, size), block.AsSpan(k * size, size), -factor);
            }
        }
        return block;
    }
}
