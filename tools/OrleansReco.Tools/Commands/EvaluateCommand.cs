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
        "evaluate --train FILE --test FILE [--k 10] [--mode discovery|repeat] [--out FILE] [--silos N] [--embedding-weight W,..] [--repeat-weight W,..]",
        [
            new("train", "FILE", "Training events: user item rating timestamp (tab/space separated, .gz or plain)."),
            new("test", "FILE", "Test events, same format: a user's distinct items are what counts as relevant."),
            new("k", "N", "List length, 1-100 (default 10)."),
            new("mode", "MODE", "discovery (default): items the user has in train are removed; repeat: nothing removed."),
            new("out", "FILE", "Write the lists as user item rank score (rank 1 best)."),
            new("embedding-weight", "W[,W...]", "Weight of the embedding score in the blend (default: the model's)."),
            new("repeat-weight", "W[,W...]", "Repeat mode: weight of the user's own affinity (default: the model's)."),
            new("learn-blend", null, "Also train LambdaRank on the candidates' features (two-fold over the test users) and print its nDCG beside the linear blend's on the same candidates. Use a validation window."),
            new("silos", "N", "Silos of the in-process cluster, 2-8 (default 2)."),
            new("concurrency", "N", "Batches of events in flight at once, 1-1024 (default 256)."),
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
        var concurrency = args.Int("concurrency", 256, 1, 1024);
        var train = ReadEvents(args.RequiredString("train"));
        var test = ReadEvents(args.RequiredString("test"));
        var outPath = args.String("out");
        IReadOnlyList<double?> embeddingWeights = args.String("embedding-weight") is { } e ? ParseWeights("embedding-weight", e) : [null];
        IReadOnlyList<double?> repeatWeights = args.String("repeat-weight") is { } r ? ParseWeights("repeat-weight", r) : [null];
        if (discovery && repeatWeights[0] is not null) throw new UsageException("--repeat-weight applies to --mode repeat only.");
        // Every combination is scored on the same replay and model; --out gets the first.
        var weights = embeddingWeights.SelectMany(ew => repeatWeights.Select(rw => (Embedding: ew, Repeat: rw))).ToList();

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

        var model = await TrainModelAsync(cluster, cancellationToken);
        environment.Out.WriteLine(model is null
            ? "embedding model: none (no history)"
            : string.Create(CultureInfo.InvariantCulture,
                $"embedding model {model.Version}: {model.Users:N0} users, {model.Items:N0} items, {model.Interactions:N0} interactions, {model.Factors} factors, {model.Sweeps} sweeps; " +
                $"read {model.ReadTime.TotalSeconds:F1} s, trained {model.TrainTime.TotalSeconds:F1} s, training data {model.TrainingBytes / 1048576.0:F1} MiB; " +
                $"process peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB"));

        await Task.Delay(EvaluationCluster.ModelRefreshPeriod, cancellationToken); // every silo now serves the new model

        var recommender = cluster.Grains.GetGrain<IRecommenderGrain>(0);
        var defaults = new ModelOptions();
        for (var w = 0; w < weights.Count; w++)
        {
            var lists = new Dictionary<string, IReadOnlyList<RecommendedItem>>(StringComparer.Ordinal);
            var latencies = new List<double>(relevant.Count);
            foreach (var user in relevant.Keys.Order(StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var request = Request(user, weights[w]);
                var watch = Stopwatch.StartNew();
                var result = await recommender.Recommend(cluster.Pseudonym(user), request);
                latencies.Add(watch.Elapsed.TotalMilliseconds);
                lists[user] = result.Items;
            }

            var scores = RankingMetrics.Score(relevant, lists.ToDictionary(l => l.Key, l => (IReadOnlyList<string>)l.Value.Select(i => i.ItemId).ToList()), k);
            latencies.Sort();
            var weightLabel = Label(weights[w]);
            environment.Out.WriteLine($"{weightLabel}recommendations: {latencies.Count:N0}, one at a time: median {latencies[latencies.Count / 2]:F2} ms, " +
                $"p99 {latencies[Math.Min(latencies.Count - 1, (int)(latencies.Count * 0.99))]:F2} ms");
            environment.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{weightLabel}MAP@{k} {scores.MapAtK:F4}  nDCG@{k} {scores.NdcgAtK:F4}  Precision@{k} {scores.PrecisionAtK:F4}  Recall@{k} {scores.RecallAtK:F4}  ({scores.Users:N0} users)"));

            if (outPath is not null && w == 0)
            {
                await WriteListsAsync(outPath, lists, cancellationToken);
            }
        }
        if (args.Has("learn-blend"))
        {
            var candidates = new Dictionary<string, IReadOnlyList<CandidateFeatures>>(StringComparer.Ordinal);
            foreach (var user in relevant.Keys.Order(StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                candidates[user] = await recommender.Candidates(cluster.Pseudonym(user), Request(user, weights[0]));
            }
            // As the recommender blends: discovery gives the user's own items no weight.
            var blend = discovery ? Blend(weights[0]) with { Repeat = 0 } : Blend(weights[0]);
            var comparison = LearnedBlend.Compare(candidates, relevant, blend, k);
            environment.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"learned blend (LambdaRank, two-fold over {comparison.Users:N0} users, {comparison.Candidates:N0} candidates): nDCG@{k} {comparison.LearnedNdcg:F4}; " +
                $"linear blend on the same candidates: nDCG@{k} {comparison.LinearNdcg:F4}"));
        }
        return ExitCodes.Success;

        // Discovery removes everything the user has in train, also what their bounded history has forgotten.
        RecommendationRequest Request(string user, (double? Embedding, double? Repeat) w) => new(k, ExcludeSeen: discovery, Category: null,
            Exclude: discovery ? trainItems.GetValueOrDefault(user) ?? [] : [],
            Mode: discovery ? RecommendationMode.Discovery : RecommendationMode.Repeat,
            Weights: w == (null, null) ? null : Blend(w));

        BlendWeights Blend((double? Embedding, double? Repeat) w) =>
            new(defaults.NeighbourhoodWeight, w.Embedding ?? defaults.EmbeddingWeight, w.Repeat ?? defaults.RepeatWeight);
    }

    private static List<double?> ParseWeights(string option, string text) => text.Split(',').Select(part =>
        double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var weight) && weight is >= 0 and <= 1e6
            ? (double?)weight
            : throw new UsageException($"--{option} takes numbers from 0 to 1e6, comma-separated, not '{part}'.")).ToList();

    private static string Label((double? Embedding, double? Repeat) weights) =>
        (weights.Embedding is { } e ? string.Create(CultureInfo.InvariantCulture, $"embedding weight {e:G4}: ") : "")
        + (weights.Repeat is { } r ? string.Create(CultureInfo.InvariantCulture, $"repeat weight {r:G4}: ") : "");

    /// <summary>Trains the embedding model inside the cluster, as <c>POST /v1/admin/model/train</c> does.</summary>
    private static async Task<EmbeddingManifest?> TrainModelAsync(EvaluationCluster cluster, CancellationToken cancellationToken)
    {
        var trainer = cluster.Grains.GetGrain<IEmbeddingTrainerGrain>(0);
        var status = await trainer.Start();
        while (status.Training)
        {
            cancellationToken.ThrowIfCancellationRequested();
            status = await trainer.Wait(TimeSpan.FromSeconds(10));
        }
        return status.LastError is { } error ? throw new InvalidOperationException($"Training failed: {error}") : status.Current;
    }

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
