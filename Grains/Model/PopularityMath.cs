namespace OrleansReco.Grains.Model;

/// <summary>Time-decayed popularity kept in the log domain, so that decades of day buckets never overflow.</summary>
public static class PopularityMath
{
    /// <summary>log2(sum of weight * 2^(day / halfLifeDays)); negative infinity for nothing.</summary>
    public static double Log2Sum(IEnumerable<KeyValuePair<int, long>> milliWeightsByDay, TimeSpan halfLife)
    {
        var halfLifeDays = halfLife.TotalDays;
        var terms = milliWeightsByDay
            .Where(kv => kv.Value > 0)
            .Select(kv => (Exponent: kv.Key / halfLifeDays, Weight: (double)kv.Value))
            .ToList();
        if (terms.Count == 0) return double.NegativeInfinity;
        var max = terms.Max(t => t.Exponent);
        var sum = terms.Sum(t => t.Weight * Math.Pow(2, t.Exponent - max));
        return max + Math.Log2(sum);
    }

    /// <summary>The decayed event weight as of <paramref name="referenceDay"/>.</summary>
    public static double ScoreAt(double log2, int referenceDay, TimeSpan halfLife) =>
        double.IsNegativeInfinity(log2) ? 0 : Math.Pow(2, log2 - referenceDay / halfLife.TotalDays) / 1000;
}
