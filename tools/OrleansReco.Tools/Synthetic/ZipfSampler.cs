namespace OrleansReco.Tools.Synthetic;

/// <summary>
/// Samples ranks 0..n-1 with P(rank k) proportional to 1 / (k + 1)^exponent. Immutable and thread-safe: the caller
/// brings the <see cref="Random"/>, so one sampler can serve many deterministic streams (load tests pick user
/// indices with it, the generator picks items).
/// </summary>
public sealed class ZipfSampler
{
    private readonly double[] _cumulative;

    public ZipfSampler(int count, double exponent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(exponent);
        if (!double.IsFinite(exponent))
        {
            throw new ArgumentOutOfRangeException(nameof(exponent), "The exponent must be finite.");
        }

        Count = count;
        Exponent = exponent;
        _cumulative = new double[count];
        var sum = 0.0;
        for (var k = 0; k < count; k++)
        {
            sum += Math.Pow(k + 1, -exponent);
            _cumulative[k] = sum;
        }

        // Normalise once so sampling is a single binary search over [0, 1).
        for (var k = 0; k < count; k++)
        {
            _cumulative[k] /= sum;
        }

        _cumulative[count - 1] = 1.0;
    }

    public int Count { get; }

    public double Exponent { get; }

    /// <summary>The probability of drawing <paramref name="rank"/> (0-based).</summary>
    public double Probability(int rank)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rank, Count);
        return rank == 0 ? _cumulative[0] : _cumulative[rank] - _cumulative[rank - 1];
    }

    /// <summary>Draws a 0-based rank; rank 0 is the most likely.</summary>
    public int Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return Sample(random.NextDouble());
    }

    /// <summary>Maps a uniform value in [0, 1) to a rank, for callers with their own source of randomness.</summary>
    public int Sample(double uniform)
    {
        var index = Array.BinarySearch(_cumulative, uniform);
        // BinarySearch returns the complement of the first larger element when there is no exact match;
        // an exact match sits on that rank's upper edge, which belongs to the next rank.
        index = index < 0 ? ~index : index + 1;
        return Math.Min(index, Count - 1);
    }
}
