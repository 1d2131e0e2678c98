using System.Globalization;

namespace OrleansReco.Tools.Synthetic;

/// <summary>
/// Generates a deterministic storefront for a seed: a Zipf-popular catalogue and shoppers in taste clusters.
/// Every random draw comes from one <see cref="Random"/> seeded with <see cref="SyntheticOptions.Seed"/> and nothing
/// iterates a hash set, so the same options give the same output on every run and machine.
/// </summary>
public static class SyntheticStorefront
{
    private static readonly string[] Nouns =
        ["Mug", "Lantern", "Candle", "Cushion", "Notebook", "Teapot", "Blanket", "Vase", "Clock", "Basket", "Frame", "Lamp"];

    private static readonly string[] Adjectives =
        ["Red", "Vintage", "Rustic", "Blue", "Floral", "Large", "Mini", "Retro", "Green", "Striped", "Golden", "Pastel"];

    // An off-taste draw is re-drawn; after this many tries the last draw is kept so generation always ends.
    private const int MaxRedraws = 1000;

    public static SyntheticStorefrontData Generate(SyntheticOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var random = new Random(options.Seed);
        var items = CreateCatalogue(options, random);
        var zipf = new ZipfSampler(options.Items, options.ZipfExponent);
        var shoppers = CreateShoppers(options, zipf);

        var events = new List<(long Seconds, int User, StorefrontEvent Event)>();
        for (var user = 0; user < options.Users; user++)
        {
            var preferred = PreferredCategoryMask(options, shoppers[user].Cluster);
            foreach (var (seconds, ev) in ShopperEvents(options, random, zipf, items, preferred, shoppers[user].UserId))
            {
                events.Add((seconds, user, ev));
            }
        }

        // Global time order for replay. The sort is stable and each shopper's times strictly increase, so a shopper's
        // own order survives; ties across shoppers are broken by shopper index to stay deterministic.
        var ordered = events
            .OrderBy(e => e.Seconds)
            .ThenBy(e => e.User)
            .Select(e => e.Event)
            .ToList();

        return new SyntheticStorefrontData(items, ordered, shoppers);
    }

    /// <summary>Item id of a 0-based popularity rank: rank 0 is <c>item-0000</c>, the most popular item.</summary>
    public static string ItemId(int rank) => "item-" + rank.ToString("D4", CultureInfo.InvariantCulture);

    public static string UserId(int index) => "user-" + index.ToString("D4", CultureInfo.InvariantCulture);

    public static string CategoryId(int index) => "category-" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>Categories are dealt round-robin by rank so every category has items from the head and the tail.</summary>
    public static int CategoryOf(int rank, SyntheticOptions options) => rank % options.Categories;

    /// <summary>Cluster c prefers categories c*k .. c*k+k-1 (mod the category count), k = CategoriesPerCluster.</summary>
    public static IReadOnlyList<int> PreferredCategories(int cluster, SyntheticOptions options) =>
        Enumerable.Range(0, options.CategoriesPerCluster)
            .Select(j => ((cluster * options.CategoriesPerCluster) + j) % options.Categories)
            .Distinct()
            .ToList();

    private static List<CatalogItem> CreateCatalogue(SyntheticOptions options, Random random)
    {
        var items = new List<CatalogItem>(options.Items);
        for (var rank = 0; rank < options.Items; rank++)
        {
            var category = CategoryOf(rank, options);
            var noun = Nouns[category % Nouns.Length];
            var adjective = Adjectives[random.Next(Adjectives.Length)];
            var price = Math.Round((decimal)(2 + (random.NextDouble() * 48)), 2);
            items.Add(new CatalogItem(
                ItemId(rank),
                $"{adjective} {noun} {rank}",
                CategoryId(category),
                [adjective.ToLowerInvariant(), noun.ToLowerInvariant()],
                price,
                Available: true));
        }

        return items;
    }

    /// <summary>
    /// Shoppers are dealt to clusters in proportion to the Zipf mass each cluster draws from (its preferred items plus
    /// the off-taste share of the rest). A cluster whose categories hold the head items is bigger, and that is exactly
    /// what keeps the overall item popularity on the Zipf curve: with equal clusters the head items would be diluted
    /// by the normalisation of their cluster. Smooth weighted round-robin interleaves the clusters deterministically.
    /// </summary>
    private static List<SyntheticShopper> CreateShoppers(SyntheticOptions options, ZipfSampler zipf)
    {
        var mass = new double[options.TasteClusters];
        for (var cluster = 0; cluster < options.TasteClusters; cluster++)
        {
            var preferred = PreferredCategoryMask(options, cluster);
            for (var rank = 0; rank < options.Items; rank++)
            {
                mass[cluster] += zipf.Probability(rank) * (preferred[CategoryOf(rank, options)] ? 1 : options.OffTasteAcceptance);
            }
        }

        var total = mass.Sum();
        var current = new double[options.TasteClusters];
        var shoppers = new List<SyntheticShopper>(options.Users);
        for (var user = 0; user < options.Users; user++)
        {
            var chosen = 0;
            for (var cluster = 0; cluster < current.Length; cluster++)
            {
                current[cluster] += mass[cluster];
                if (current[cluster] > current[chosen])
                {
                    chosen = cluster;
                }
            }

            current[chosen] -= total;
            var categories = PreferredCategories(chosen, options).Select(CategoryId).ToList();
            shoppers.Add(new SyntheticShopper(UserId(user), chosen, categories));
        }

        return shoppers;
    }

    private static bool[] PreferredCategoryMask(SyntheticOptions options, int cluster)
    {
        var mask = new bool[options.Categories];
        foreach (var category in PreferredCategories(cluster, options))
        {
            mask[category] = true;
        }

        return mask;
    }

    private static IEnumerable<(long Seconds, StorefrontEvent Event)> ShopperEvents(
        SyntheticOptions options,
        Random random,
        ZipfSampler zipf,
        IReadOnlyList<CatalogItem> items,
        bool[] preferred,
        string userId)
    {
        var periodSeconds = (long)options.Period.TotalSeconds;
        // With a history size, the sessions are sized up front to view that many distinct items; otherwise the draws
        // are those of the session model, in the same order as always, so its data stays the same for a seed.
        var held = options.HistoryItems > 0 ? new HashSet<int>() : null;
        var sessionSizes = held is null ? null : SessionSizes(options, random, Math.Min(options.HistoryItems, options.Items));
        var sessionCount = sessionSizes?.Count ?? random.Next(1, 2 * options.MeanSessionsPerUser);
        var sessionStarts = Enumerable.Range(0, sessionCount)
            .Select(_ => (long)(random.NextDouble() * periodSeconds))
            .Order()
            .ToList();

        var start = options.Start.ToUnixTimeSeconds();
        var last = long.MinValue;
        var result = new List<(long, StorefrontEvent)>();

        // Strictly increasing whole seconds per shopper: survives a round trip through unix-second files.
        long Next(long notBefore, int minGap, int maxGap)
        {
            var t = Math.Max(notBefore, last + 1) + random.Next(minGap, maxGap + 1);
            last = t;
            return t;
        }

        void Add(long seconds, int rank, StorefrontEventType type) =>
            result.Add((seconds, new StorefrontEvent(userId, items[rank].ItemId, type, DateTimeOffset.FromUnixTimeSeconds(seconds))));

        for (var session = 0; session < sessionStarts.Count; session++)
        {
            var sessionTime = start + sessionStarts[session];
            var cart = new List<int>();
            var views = sessionSizes?[session] ?? random.Next(1, 2 * options.MeanViewsPerSession);
            for (var v = 0; v < views; v++)
            {
                var rank = held is null ? DrawItem(options, random, zipf, preferred) : DrawNewItem(options, random, zipf, preferred, held);
                Add(Next(sessionTime, 5, 120), rank, StorefrontEventType.View);
                if (random.NextDouble() < options.CartProbability)
                {
                    cart.Add(rank);
                    Add(Next(sessionTime, 5, 60), rank, StorefrontEventType.Cart);
                }
            }

            foreach (var rank in cart)
            {
                if (random.NextDouble() < options.PurchaseProbability)
                {
                    Add(Next(sessionTime, 30, 300), rank, StorefrontEventType.Purchase);
                }
            }
        }

        return result;
    }

    /// <summary>Views per session, drawn as the session model draws them, until they add up to <paramref name="total"/>.</summary>
    private static List<int> SessionSizes(SyntheticOptions options, Random random, int total)
    {
        var sizes = new List<int>();
        for (var left = total; left > 0;)
        {
            var views = Math.Min(left, random.Next(1, 2 * options.MeanViewsPerSession));
            sizes.Add(views);
            left -= views;
        }

        return sizes;
    }

    /// <summary>
    /// An item the shopper does not hold yet, by the same taste and popularity: draws again while the draw is held.
    /// When the shopper holds nearly all it would draw, that can take very long, so after a bounded number of draws
    /// it takes the most popular item not held (preferring the shopper's categories), which always ends.
    /// </summary>
    private static int DrawNewItem(SyntheticOptions options, Random random, ZipfSampler zipf, bool[] preferred, HashSet<int> held)
    {
        for (var attempt = 0; attempt < MaxRedraws; attempt++)
        {
            var rank = DrawItem(options, random, zipf, preferred);
            if (held.Add(rank))
            {
                return rank;
            }
        }

        for (var pass = 0; pass < 2; pass++)
        {
            for (var rank = 0; rank < options.Items; rank++)
            {
                if ((pass == 1 || preferred[CategoryOf(rank, options)]) && held.Add(rank))
                {
                    return rank;
                }
            }
        }

        throw new InvalidOperationException("The shopper holds every item already.");
    }

    private static int DrawItem(SyntheticOptions options, Random random, ZipfSampler zipf, bool[] preferred)
    {
        var rank = zipf.Sample(random);
        for (var attempt = 0; attempt < MaxRedraws; attempt++)
        {
            if (preferred[CategoryOf(rank, options)] || random.NextDouble() < options.OffTasteAcceptance)
            {
                return rank;
            }

            rank = zipf.Sample(random);
        }

        return rank;
    }
}
