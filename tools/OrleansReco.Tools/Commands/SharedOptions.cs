using OrleansReco.Tools.Cli;
using OrleansReco.Tools.Gateway;
using OrleansReco.Tools.Synthetic;

namespace OrleansReco.Tools.Commands;

/// <summary>Options more than one command takes, defined once so help texts and parsing agree.</summary>
internal static class SharedOptions
{
    public static readonly OptionSpec Gateway = new("gateway", "URL", "Gateway base address, e.g. http://localhost:5080.");
    public static readonly OptionSpec StorefrontKey = new("storefront-key", "KEY", $"API key for POST /v1/events (default {GatewayKeys.DevStorefront}).");
    public static readonly OptionSpec CatalogKey = new("catalog-key", "KEY", $"API key for PUT /v1/items (default {GatewayKeys.DevCatalog}).");
    public static readonly OptionSpec Concurrency = new("concurrency", "N", "Requests in flight, 1-16 (default 4).");
    public static readonly OptionSpec Wait = new("wait", "N", "Polls of /health/ready, one a second, before giving up (default 30).");

    public static readonly IReadOnlyList<OptionSpec> Synthetic =
    [
        new("users", "N", "Shoppers (default 200)."),
        new("items", "N", "Catalogue items (default 300)."),
        new("categories", "N", "Categories (default 12)."),
        new("clusters", "N", "Taste clusters (default 4)."),
        new("seed", "N", "Random seed; the same seed gives the same data (default 42)."),
        new("zipf", "S", "Zipf exponent of item popularity (default 1.0)."),
        new("days", "N", "Days the events span (default 30)."),
        new("history", "N", "Distinct items every shopper views, each once (default 0: sessions decide)."),
    ];

    public static SyntheticOptions SyntheticFrom(ParsedArgs args)
    {
        var defaults = new SyntheticOptions();
        var categories = args.Int("categories", defaults.Categories, 1, 10_000);
        var options = defaults with
        {
            Users = args.Int("users", defaults.Users, 1, 10_000_000),
            Items = args.Int("items", defaults.Items, 1, 10_000_000),
            Categories = categories,
            TasteClusters = args.Int("clusters", defaults.TasteClusters, 1, 10_000),
            CategoriesPerCluster = Math.Min(defaults.CategoriesPerCluster, categories),
            Seed = args.Int("seed", defaults.Seed, int.MinValue, int.MaxValue),
            ZipfExponent = args.Double("zipf", defaults.ZipfExponent, 0, 10),
            Period = TimeSpan.FromDays(args.Int("days", (int)defaults.Period.TotalDays, 1, 3650)),
            HistoryItems = args.Int("history", defaults.HistoryItems, 0, 1_000_000),
        };
        if (options.Categories > options.Items)
        {
            throw new UsageException($"--categories ({options.Categories}) cannot exceed --items ({options.Items}).");
        }

        return options;
    }

    public static GatewayKeys KeysFrom(ParsedArgs args) => new(
        args.String("storefront-key") ?? GatewayKeys.DevStorefront,
        args.String("catalog-key") ?? GatewayKeys.DevCatalog,
        args.String("admin-key") ?? GatewayKeys.DevAdmin);

    public static Uri GatewayFrom(ParsedArgs args) =>
        args.Url("gateway") ?? throw new UsageException("Option '--gateway' is required.");

    public static async Task WaitUntilReadyAsync(
        GatewayClient client, Uri gateway, int attempts, ToolsEnvironment environment, CancellationToken cancellationToken)
    {
        environment.Out.WriteLine($"Waiting for {gateway.AbsoluteUri.TrimEnd('/')}/health/ready ...");
        if (!await client.WaitUntilReadyAsync(attempts, environment.ReadyPollInterval, cancellationToken))
        {
            throw new GatewayException($"The gateway at {gateway} was not ready after {attempts} attempts.");
        }
    }
}
