using System.Numerics;

namespace OrleansReco.Grains.Model;

internal static class VectorMath
{
    /// <summary>target += scale * source, a SIMD vector at a time: the inner loop of ALS solves and of the EASE inverse.</summary>
    public static void AddScaled(Span<double> target, ReadOnlySpan<double> source, double scale)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var factor = new Vector<double>(scale);
            for (; i <= target.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                (new Vector<double>(target[i..]) + factor * new Vector<double>(source[i..])).CopyTo(target[i..]);
            }
        }
        for (; i < target.Length; i++) target[i] += scale * source[i];
    }
}
