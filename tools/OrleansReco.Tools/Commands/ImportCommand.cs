using OrleansReco.Tools.Cli;
using OrleansReco.Tools.Gateway;
using OrleansReco.Tools.Import;
using OrleansReco.Tools.Synthetic;

namespace OrleansReco.Tools.Commands;

/// <summary>
/// Streams a dataset into a gateway. Online Retail is read twice: once to upsert each product (first kept line wins),
/// then again to post the events, so neither pass holds more than the catalogue in memory.
/// </summary>
public sealed class ImportCommand : ICommand
{
    private const long ProgressEvery = 50_000;

    public CommandSpec Spec { get; } = new(
        "import",
        "Import the UCI Online Retail CSV or a user/item/rating/timestamp TSV into a running gateway.",
        "import --gateway URL (--online-retail FILE | --tsv FILE) [--limit N] [--dry-run]",
        [
            SharedOptions.Gateway,
            new("online-retail", "FILE", "online_retail.csv or .csv.gz: purchases of known customers, products only."),
            new("tsv", "FILE", "user item rating timestamp (tab/space separated, .gz or plain): rating >= 4 purchase, 3 cart, else view."),
            new("limit", "N", "Import at most N events (the first N kept rows)."),
            new("batch-size", "N", "Events per request, 1-1000 (default 1000)."),
            SharedOptions.Concurrency,
            SharedOptions.StorefrontKey,
            SharedOptions.CatalogKey,
            SharedOptions.Wait,
            new("dry-run", null, "Read and filter the file and print the counts; send nothing (no --gateway needed)."),
        ]);

    public async Task<int> RunAsync(ParsedArgs args, ToolsEnvironment environment, CancellationToken cancellationToken)
    {
        var options = ImportOptions.From(args);
        var dataset = options.Source == ImportSource.OnlineRetail ? Dataset.OnlineRetail(options.Path) : Dataset.Tsv(options.Path);
        if (!File.Exists(options.Path))
        {
            throw new IOException($"File not found: {options.Path}");
        }

        if (options.DryRun)
        {
            DryRun(dataset, options, environment);
            return ExitCodes.Success;
        }

        using var http = environment.CreateHttpClient();
        var client = new GatewayClient(http, options.Gateway!, options.Keys, environment.Retry);
        await SharedOptions.WaitUntilReadyAsync(client, options.Gateway!, options.ReadyAttempts, environment, cancellationToken);

        var catalogue = dataset.Catalogue(options.Limit);
        if (catalogue.Count > 0)
        {
            var upserted = await CatalogUploader.UploadAsync(client, catalogue, options.Concurrency, cancellationToken);
            environment.Out.WriteLine($"Catalogue: {upserted:N0} items upserted.");
        }

        var nextReport = ProgressEvery;
        var progressLock = new Lock();
        var uploader = new EventUploader(client, options.Concurrency, options.BatchSize)
        {
            Progress = total =>
            {
                lock (progressLock)
                {
                    if (total >= nextReport)
                    {
                        environment.Out.WriteLine($"  {total:N0} events posted ...");
                        nextReport = ((total / ProgressEvery) + 1) * ProgressEvery;
                    }
                }
            },
        };
        var result = await uploader.UploadAsync(Limit(dataset.Events(), options.Limit), cancellationToken);
        environment.Out.WriteLine(
            $"Events: {result.Events:N0} posted in {result.Batches:N0} batches in {result.Elapsed.TotalSeconds:N1} s: " +
            $"{result.EventsPerSecond:N0} events/s, {client.Retries:N0} retries.");
        environment.Out.WriteLine(dataset.Summary());
        return ExitCodes.Success;
    }

    private static void DryRun(Dataset dataset, ImportOptions options, ToolsEnvironment environment)
    {
        var users = new HashSet<string>(StringComparer.Ordinal);
        var items = new HashSet<string>(StringComparer.Ordinal);
        long events = 0;
        foreach (var ev in Limit(dataset.Events(), options.Limit))
        {
            events++;
            users.Add(ev.UserId);
            items.Add(ev.ItemId);
        }

        environment.Out.WriteLine($"Dry run: {events:N0} events, {users.Count:N0} users, {items.Count:N0} items; nothing sent.");
        environment.Out.WriteLine(dataset.Summary());
    }

    private static IEnumerable<StorefrontEvent> Limit(IEnumerable<StorefrontEvent> events, long? limit) =>
        limit is { } n ? events.Take((int)Math.Min(n, int.MaxValue)) : events;

    /// <summary>One input format: its events, its catalogue (possibly empty) and a line about what was skipped.</summary>
    private sealed record Dataset(
        Func<IEnumerable<StorefrontEvent>> Events,
        Func<long?, IReadOnlyList<CatalogItem>> Catalogue,
        Func<string> Summary)
    {
        public static Dataset OnlineRetail(string path)
        {
            var reader = new OnlineRetailReader();
            return new Dataset(
                () => reader.ReadFile(path).Select(OnlineRetailReader.ToEvent),
                limit => ReadCatalogue(path, limit),
                () => $"Read {reader.LinesRead:N0} lines, kept {reader.RowsKept:N0}; skipped: " +
                    (reader.Skipped.Count == 0
                        ? "none"
                        : string.Join(", ", reader.Skipped.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value:N0}"))) + ".");
        }

        public static Dataset Tsv(string path)
        {
            var reader = new TsvEventReader();
            return new Dataset(
                () => reader.ReadFile(path),
                _ => [],
                () => $"Read {reader.LinesRead:N0} lines, {reader.EventsRead:N0} events, {reader.Malformed:N0} malformed" +
                    (reader.FirstMalformedLine is { } line ? $" (first at line {line:N0})" : string.Empty) + ".");
        }

        private static List<CatalogItem> ReadCatalogue(string path, long? limit)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var items = new List<CatalogItem>();
            var rows = new OnlineRetailReader().ReadFile(path);
            foreach (var row in limit is { } n ? rows.Take((int)Math.Min(n, int.MaxValue)) : rows)
            {
                if (seen.Add(row.StockCode))
                {
                    items.Add(OnlineRetailReader.ToCatalogItem(row));
                }
            }

            return items;
        }
    }
}
