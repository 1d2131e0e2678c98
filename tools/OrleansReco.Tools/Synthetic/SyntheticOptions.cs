namespace OrleansReco.Tools.Synthetic;

/// <summary>
/// Shape of a synthetic storefront. Defaults give a small demo shop: 200 shoppers, 300 items, 12 categories,
/// 4 taste clusters of 3 categories each (every category preferred by exactly one cluster; the overall item
/// popularity then follows the Zipf curve, see <see cref="SyntheticStorefront"/>).
/// </summary>
public sealed record SyntheticOptions
{
    public int Users { get; init; } = 200;

    public int Items { get; init; } = 300;

    public int Categories { get; init; } = 12;

    public int TasteClusters { get; init; } = 4;

    public int CategoriesPerCluster { get; init; } = 3;

    /// <summary>Zipf exponent of item popularity over the global rank (item-0000 is rank 1).</summary>
    public double ZipfExponent { get; init; } = 1.0;

    /// <summary>
    /// Chance that an item drawn from outside the shopper's preferred categories is kept anyway; otherwise it is
    /// drawn again. Small values make the clusters sharp, 1 removes them.
    /// </summary>
    public double OffTasteAcceptance { get; init; } = 0.05;

    /// <summary>Sessions per shopper are uniform in [1, 2 * mean - 1].</summary>
    public int MeanSessionsPerUser { get; init; } = 4;

    /// <summary>Views per session are uniform in [1, 2 * mean - 1].</summary>
    public int MeanViewsPerSession { get; init; } = 6;

    /// <summary>
    /// 0 (the default): sessions of views decide how many items a shopper touches. Above 0: every shopper views exactly
    /// this many distinct items (at most <see cref="Items"/>), each once, drawn by the same taste and popularity, in
    /// sessions of <see cref="MeanViewsPerSession"/> views on average; carts and purchases as usual. For load tests
    /// that need histories of a known size.
    /// </summary>
    public int HistoryItems { get; init; }

    /// <summary>Chance that a viewed item is added to the cart.</summary>
    public double CartProbability { get; init; } = 0.2;

    /// <summary>Chance that a carted item is bought at the end of the session.</summary>
    public double PurchaseProbability { get; init; } = 0.5;

    /// <summary>Session starts fall in [Start, Start + Period).</summary>
    public DateTimeOffset Start { get; init; } = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public TimeSpan Period { get; init; } = TimeSpan.FromDays(30);

    public int Seed { get; init; } = 42;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        Require(Users >= 1, nameof(Users), "must be at least 1");
        Require(Items >= 1, nameof(Items), "must be at least 1");
        Require(Categories >= 1 && Categories <= Items, nameof(Categories), "must be between 1 and Items");
        Require(TasteClusters >= 1, nameof(TasteClusters), "must be at least 1");
        Require(CategoriesPerCluster >= 1 && CategoriesPerCluster <= Categories, nameof(CategoriesPerCluster), "must be between 1 and Categories");
        Require(double.IsFinite(ZipfExponent) && ZipfExponent >= 0, nameof(ZipfExponent), "must be a finite number >= 0");
        Require(IsProbability(OffTasteAcceptance), nameof(OffTasteAcceptance), "must be in [0, 1]");
        Require(MeanSessionsPerUser >= 1, nameof(MeanSessionsPerUser), "must be at least 1");
        Require(MeanViewsPerSession >= 1, nameof(MeanViewsPerSession), "must be at least 1");
        Require(HistoryItems >= 0, nameof(HistoryItems), "must be at least 0");
        Require(IsProbability(CartProbability), nameof(CartProbability), "must be in [0, 1]");
        Require(IsProbability(PurchaseProbability), nameof(PurchaseProbability), "must be in [0, 1]");
        Require(Period >= TimeSpan.FromHours(1), nameof(Period), "must be at least one hour");
    }

    private static bool IsProbability(double p) => p is >= 0 and <= 1;

    private static void Require(bool condition, string name, string message)
    {
        if (!condition)
        {
            throw new ArgumentException($"{name} {message}.", name);
        }
    }
}
