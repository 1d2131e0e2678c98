using System.Diagnostics;
using System.Globalization;
using System.Text;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;
using OrleansReco.Tools.Cli;
using OrleansReco.Tools.Evaluation;
using OrleansReco.Tools.Import;
using OrleansReco.Tools.Synthetic;

namespace OrleansReco.Tools.Commands;

/// <summary>
/// Offline evaluation through the real grain code: replays the training events on an in-process cluster, asks it
/// for every test user's top-k and scores the lists against the test file with <see cref="RankingMetrics"/>.
/// </summary>
public sealed class EvaluateCommand : ICommand
{
    public CommandSpec Spec { get; } = new(
        "evaluate",
        "Replay training events through an in-process cluster, recommend for each test user and print MAP, nDCG, precision and recall at k.",
        "evaluate --train FILE --test FILE [--k 10] [--mode discovery|repeat] [--out FILE] [--silos N]",
        [
            new("train", "FILE", "Training events: user item rating timestamp (tab/space separated, .gz or plain)."),
            new("test", "FILE", "Test events, same format: a user's distinct items are what counts as relevant."),
            new("k", "N", "List length, 1-100 (default 10)."),
            new("mode", "MODE", "discovery (default): items the user has in train are removed; repeat: nothing removed."),
            new("out", "FILE", "Write the lists as user item rank score (rank 1 best)."),
            new("repeat-weight", "W[,W...]", "Repeat mode: weight of the user's own affinity (default: the model's). Several: each is scored on the same replay; --out gets the first."),
            new("silos", "N", "Silos of the in-process cluster, 2-8 (default 2)."),
            new("concurrency", "N", "Users replayed in parallel, 1-256 (default 32)."),
        ]);

    public async Task<int> RunAsync(ParsedArgs args, ToolsEnvironment environment, CancellationToken cancellationToken)
    {
        var k = args.Int("k", 10, 1, 100);
        var discovery = (args.String("mode") ?? "discovery") switch
        {
            "discovery" => true,
            "repeat" => false,
            var other => throw new UsageException($"--mode must be discovery or repeat, not '{other}'."),
        };
        var silos = args.Int("silos", 2, 2, 8);
        var concurrency = args.Int("concurrency", 32, 1, 256);
        var train = ReadEvents(args.RequiredString("train"));
        var test = ReadEvents(args.RequiredString("test"));
        var outPath = args.String("out");
        IReadOnlyList<double?> weights = args.String("repeat-weight") is { } text ? ParseWeights(text) : [null];
        if (discovery && weights[0] is not null) throw new UsageException("--repeat-weight applies to --mode repeat only.");

        var relevant = test
            .GroupBy(e => e.UserId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(e => e.ItemId).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var trainItems = train
            .GroupBy(e => e.UserId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.ItemId).Distinct(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        environment.Out.WriteLine($"train: {train.Count:N0} events, {trainItems.Count:N0} users; test: {test.Count:N0} events, {relevant.Count:N0} users; " +
            $"k = {k}, mode = {(discovery ? "discovery" : "repeat")}, {silos} silos");

        await using var cluster = await EvaluationCluster.StartAsync(silos);
        var replay = await TrainingReplay.RunAsync(cluster, train, concurrency, cancellationToken);
        environment.Out.WriteLine($"replay: {replay.Events:N0} events of {replay.Users:N0} users in {replay.Elapsed.TotalSeconds:F1} s, {replay.EventsPerSecond:N0} events/s");

        var recommender = cluster.Grains.GetGrain<IRecommenderGrain>(0);
        for (var w = 0; w < weights.Count; w++)
        {
            var lists = new Dictionary<string, IReadOnlyList<RecommendedItem>>(StringComparer.Ordinal);
            var latencies = new List<double>(relevant.Count);
            foreach (var user in relevant.Keys.Order(StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                // Discovery removes everything the user has in train, also what their bounded history has forgotten.
                var request = new RecommendationRequest(k, ExcludeSeen: discovery, Category: null,
                    Exclude: discovery ? trainItems.GetValueOrDefault(user) ?? [] : [],
                    Mode: discovery ? RecommendationMode.Discovery : RecommendationMode.Repeat,
                    RepeatWeight: weights[w]);
                var watch = Stopwatch.StartNew();
                var result = await recommender.Recommend(cluster.Pseudonym(user), request);
                latencies.Add(watch.Elapsed.TotalMilliseconds);
                lists[user] = result.Items;
            }

            var scores = RankingMetrics.Score(relevant, lists.ToDictionary(l => l.Key, l => (IReadOnlyList<string>)l.Value.Select(i => i.ItemId).ToList()), k);
            latencies.Sort();
            var weightLabel = weights[w] is { } weight ? string.Create(CultureInfo.InvariantCulture, $"repeat weight {weight:G4}: ") : "";
            environment.Out.WriteLine($"{weightLabel}recommendations: {latencies.Count:N0}, one at a time: median {latencies[latencies.Count / 2]:F2} ms, " +
                $"p99 {latencies[Math.Min(latencies.Count - 1, (int)(latencies.Count * 0.99))]:F2} ms");
            environment.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{weightLabel}MAP@{k} {scores.MapAtK:F4}  nDCG@{k} {scores.NdcgAtK:F4}  Precision@{k} {scores.PrecisionAtK:F4}  Recall@{k} {scores.RecallAtK:F4}  ({scores.Users:N0} users)"));

            if (outPath is not null && w == 0)
            {
                await WriteListsAsync(outPath, lists, cancellationToken);
            }
        }
        return ExitCodes.Success;
    }

    private static List<double?> ParseWeights(string text) => text.Split(',').Select(part =>
        double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var weight) && weight is >= 0 and <= 1e6
            ? (double?)weight
            : throw new UsageException($"--repeat-weight takes numbers from 0 to 1e6, comma-separated, not '{part}'.")).ToList();

    /// <summary>All events of a file; a malformed line stops the evaluation rather than silently changing the data.</summary>
    private static List<StorefrontEvent> ReadEvents(string path)
    {
        if (!File.Exists(path)) throw new IOException($"File not found: {path}");
        var reader = new TsvEventReader();
        var events = reader.ReadFile(path).ToList();
        if (reader.FirstMalformedLine is { } line)
        {
            throw new InvalidDataException($"{path}: line {line} is not 'user item rating timestamp' ({reader.Malformed:N0} such lines).");
        }
        return events;
    }

    private static async Task WriteListsAsync(string path, Dictionary<string, IReadOnlyList<RecommendedItem>> lists, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        writer.NewLine = "\n";
        foreach (var (user, items) in lists.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            for (var rank = 1; rank <= items.Count; rank++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{user}\t{items[rank - 1].ItemId}\t{rank}\t{items[rank - 1].Score:G6}"));
            }
        }
    }
}
