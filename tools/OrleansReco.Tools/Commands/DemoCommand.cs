using OrleansReco.Tools.Cli;
using OrleansReco.Tools.Gateway;
using OrleansReco.Tools.Synthetic;

namespace OrleansReco.Tools.Commands;

/// <summary>Fills a running gateway with a synthetic storefront and says what to ask it.</summary>
public sealed class DemoCommand : ICommand
{
    public CommandSpec Spec { get; } = new(
        "demo",
        "Load a synthetic storefront (catalogue and shopper events) into a running gateway.",
        "demo --gateway URL [--users N] [--items N] [--seed N] [...]",
        [SharedOptions.Gateway, .. SharedOptions.Synthetic, SharedOptions.StorefrontKey, SharedOptions.CatalogKey, SharedOptions.Concurrency, SharedOptions.Wait]);

    public async Task<int> RunAsync(ParsedArgs args, ToolsEnvironment environment, CancellationToken cancellationToken)
    {
        var gateway = SharedOptions.GatewayFrom(args);
        var concurrency = args.Int("concurrency", 4, 1, 16);
        var attempts = args.Int("wait", 30, 1, 3600);
        var synthetic = SharedOptions.SyntheticFrom(args);

        // Sessions start up to yesterday's midnight (UTC), so time-decayed affinities and popularity are fresh and a
        // session that runs past midnight is still in the past. The data is otherwise the same for a seed.
        var yesterday = environment.Time.GetUtcNow().UtcDateTime.Date.AddDays(-1);
        synthetic = synthetic with { Start = new DateTimeOffset(yesterday, TimeSpan.Zero) - synthetic.Period };
        var data = SyntheticStorefront.Generate(synthetic);

        using var http = environment.CreateHttpClient();
        var client = new GatewayClient(http, gateway, SharedOptions.KeysFrom(args), environment.Retry);
        await SharedOptions.WaitUntilReadyAsync(client, gateway, attempts, environment, cancellationToken);

        var items = await CatalogUploader.UploadAsync(client, data.Items, concurrency, cancellationToken);
        environment.Out.WriteLine($"Catalogue: {items:N0} items upserted in {synthetic.Categories} categories.");

        var result = await new EventUploader(client, concurrency).UploadAsync(data.Events, cancellationToken);
        var byType = data.Events.CountBy(e => e.Type).ToDictionary();
        environment.Out.WriteLine(
            $"Events: {result.Events:N0} posted in {result.Batches:N0} batches " +
            $"({byType.GetValueOrDefault(StorefrontEventType.View):N0} views, {byType.GetValueOrDefault(StorefrontEventType.Cart):N0} carts, " +
            $"{byType.GetValueOrDefault(StorefrontEventType.Purchase):N0} purchases) from {data.Shoppers.Count:N0} shoppers, " +
            $"{result.EventsPerSecond:N0} events/s, {client.Retries:N0} retries.");

        var (user, item) = Example(data);
        var key = SharedOptions.KeysFrom(args).Storefront;
        var root = gateway.AbsoluteUri.TrimEnd('/');
        environment.Out.WriteLine($"Try shopper '{user}' (taste cluster {data.Shoppers.First(s => s.UserId == user).Cluster}):");
        environment.Out.WriteLine($"  curl -H 'X-Api-Key: {key}' '{root}/v1/users/{user}/recommendations?count=10'");
        environment.Out.WriteLine($"  curl -H 'X-Api-Key: {key}' '{root}/v1/items/{item}/similar?count=10'");
        environment.Out.WriteLine($"  curl -H 'X-Api-Key: {key}' '{root}/v1/items/popular?count=10'");
        environment.Out.WriteLine($"or shop as them in a browser (a Development gateway): {root}/demo/#{Uri.EscapeDataString(user)}");
        return ExitCodes.Success;
    }

    /// <summary>The shopper with the most purchases (ties: lowest id) and the item it interacted with most.</summary>
    public static (string UserId, string ItemId) Example(SyntheticStorefrontData data)
    {
        var user = data.Events
            .GroupBy(e => e.UserId)
            .OrderByDescending(g => g.Count(e => e.Type == StorefrontEventType.Purchase))
            .ThenByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .First();
        var item = user
            .GroupBy(e => e.ItemId)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .First().Key;
        return (user.Key, item);
    }
}
