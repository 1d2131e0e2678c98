using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace OrleansReco.Grains.Model;

/// <summary>
/// <c>Reco:Privacy:Popularity</c>: popular lists published with differential privacy. Off (exact counts, as before)
/// unless <see cref="Epsilon"/> is above zero.
/// </summary>
public sealed class PopularityPrivacyOptions
{
    public const string SectionName = "Reco:Privacy:Popularity";

    /// <summary>The privacy budget of one published snapshot; 0 (the default) publishes exact popularity.</summary>
    public double Epsilon { get; set; }

    /// <summary>
    /// How long one snapshot of noisy counts is published. Each new snapshot spends <see cref="Epsilon"/> again, so a
    /// longer epoch spends less budget per day and follows the shop more slowly.
    /// </summary>
    public TimeSpan Epoch { get; set; } = TimeSpan.FromDays(1);

    public bool Enabled => Epsilon > 0;

    /// <summary>What is wrong with these settings, one sentence each naming the setting (empty: usable).</summary>
    public IEnumerable<string> Problems()
    {
        if (!double.IsFinite(Epsilon) || Epsilon < 0)
        {
            yield return FormattableString.Invariant($"{SectionName}:Epsilon is {Epsilon}; it must be a finite number of at least 0 (0 publishes exact popularity).");
        }
        if (Epoch <= TimeSpan.Zero)
        {
            yield return $"{SectionName}:Epoch is {Epoch}; it must be longer than zero.";
        }
    }

    /// <summary>The number of the epoch <paramref name="now"/> falls in (epochs start at the Unix epoch, so every silo agrees).</summary>
    public long EpochOf(DateTimeOffset now) => (now - DateTimeOffset.UnixEpoch).Ticks / Epoch.Ticks;
}

/// <summary>
/// The two-sided geometric ("discrete Laplace") distribution: P(k) proportional to alpha^|k| over the integers, the
/// integer counterpart of Laplace noise. For counts it avoids the floating-point leaks of continuous Laplace noise
/// (the low bits of a noisy double can reveal the exact count) and adding it to integers keeps them integers.
/// With alpha = exp(-epsilon / sensitivity) it makes a count query of that L1 sensitivity epsilon-differentially private.
/// </summary>
public static class DiscreteLaplace
{
    public static double Alpha(double epsilon, double sensitivity) => Math.Exp(-epsilon / sensitivity);

    /// <summary>
    /// One draw from two independent uniforms in (0, 1]: the difference of two geometric variables on {0, 1, ...}
    /// with P(g) = (1 - alpha) alpha^g, which is two-sided geometric.
    /// </summary>
    public static long Sample(double alpha, double uniform1, double uniform2) =>
        Geometric(alpha, uniform1) - Geometric(alpha, uniform2);

    private static long Geometric(double alpha, double uniform) => (long)Math.Floor(Math.Log(uniform) / Math.Log(alpha));

    /// <summary>P(X ≤ k).</summary>
    public static double Cdf(long k, double alpha) =>
        k < 0 ? Math.Pow(alpha, -k) / (1 + alpha) : 1 - Math.Pow(alpha, k + 1) / (1 + alpha);

    /// <summary>2 alpha / (1 - alpha)^2; close to Laplace's 2 b^2 with b = sensitivity / epsilon when alpha is near 1.</summary>
    public static double Variance(double alpha) => 2 * alpha / ((1 - alpha) * (1 - alpha));
}

/// <summary>
/// The noise of one published snapshot: each item's draw is a keyed hash of its id, so it is fixed for the snapshot
/// (asking again and averaging gains nothing) and independent between items. The key is 256 random bits from the
/// operating system's cryptographic generator, drawn per snapshot and held only in memory: without it the draws
/// cannot be predicted or reproduced.
/// </summary>
public sealed class PopularityNoise
{
    private readonly byte[] _key;
    private readonly double _alpha;

    public PopularityNoise(byte[] key, double epsilon, int sensitivity)
    {
        if (key.Length < 32) throw new ArgumentException("The noise key must have at least 256 bits.", nameof(key));
        if (!(epsilon > 0) || !double.IsFinite(epsilon)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Epsilon must be a finite number above 0.");
        if (sensitivity < 1) throw new ArgumentOutOfRangeException(nameof(sensitivity), sensitivity, "Sensitivity must be at least 1.");
        _key = key;
        _alpha = DiscreteLaplace.Alpha(epsilon, sensitivity);
    }

    public static PopularityNoise Fresh(double epsilon, int sensitivity) =>
        new(RandomNumberGenerator.GetBytes(32), epsilon, sensitivity);

    public long For(string itemId)
    {
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(itemId), hash);
        return DiscreteLaplace.Sample(_alpha, Uniform(hash[..8]), Uniform(hash[8..16]));
    }

    /// <summary>53 random bits as a double in (0, 1]: never 0, whose logarithm the geometric draw cannot take.</summary>
    private static double Uniform(ReadOnlySpan<byte> bytes) =>
        ((BinaryPrimitives.ReadUInt64LittleEndian(bytes) >> 11) + 1) / (double)(1UL << 53);
}

/// <summary>One item as the private lists count it: how many shoppers' retained histories hold it.</summary>
public readonly record struct ItemCount(string ItemId, int Shoppers, string? Category);

/// <summary>An item of a published snapshot with its noisy count (what is ranked and shown).</summary>
public readonly record struct NoisyCount(string ItemId, long Count, string? Category);

/// <summary>
/// Private popularity ranks items by the number of shoppers holding them, not by the decayed event weight exact
/// popularity uses: a shopper adds at most 1 to an item's holder count (the item grain counts holders, not events)
/// and holds at most <see cref="ModelOptions.HistoryLimit"/> items, so removing one shopper changes the counts by at
/// most HistoryLimit in sum (the L1 sensitivity), whereas a shopper viewing an item a thousand times adds a thousand
/// views to its weight, with no bound.
/// </summary>
public static class PrivatePopularity
{
    public static int Sensitivity(ModelOptions model) => model.HistoryLimit;

    /// <summary>
    /// Every item with its noisy count, highest first (ties by id). Items no one holds take part too: leaving them out
    /// would tell which items someone holds. The order is by the noisy count; what is shown is never below 0
    /// (a count cannot be negative, and clamping after the noise costs no privacy).
    /// </summary>
    public static List<NoisyCount> Rank(IEnumerable<ItemCount> items, PopularityNoise noise) =>
        items
            .Select(i => (Item: i, Noisy: i.Shoppers + noise.For(i.ItemId)))
            .OrderByDescending(x => x.Noisy)
            .ThenBy(x => x.Item.ItemId, StringComparer.Ordinal)
            .Select(x => new NoisyCount(x.Item.ItemId, Math.Max(0, x.Noisy), x.Item.Category))
            .ToList();
}
