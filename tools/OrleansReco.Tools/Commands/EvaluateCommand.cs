using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.Extensions.Configuration;
using OrleansReco.Grains.Embeddings;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;
using OrleansReco.Tools.Cli;
using OrleansReco.Tools.Evaluation;
using OrleansReco.Tools.Gateway;
using OrleansReco.Tools.Import;
using OrleansReco.Tools.Synthetic;

namespace OrleansReco.Tools.Commands;

/// <summary>
/// Offline evaluation through the real grain code: replays the training events on an in-process cluster (or, with
/// --gateway, a running deployment over HTTP), asks it for every test user's top-k and scores the lists against the
/// test file with <see cref="RankingMetrics"/>.
/// </summary>
public sealed class EvaluateCommand : ICommand
{
    public CommandSpec Spec { get; } = new(
        "evaluate",
        "Replay training events through an in-process cluster (or a running gateway), recommend for each test user and print MAP, nDCG, precision and recall at k, intra-list diversity and catalogue coverage.",
        "evaluate --train FILE --test FILE [--k 10] [--mode discovery|repeat] [--out FILE] [--gateway URL] [--silos N] [--embedding-weight W,..] [--ease-weight W,..] [--repeat-weight W,..] [--diversity D,..] [--max-per-category N,..] [--categories FILE] [--items CSV] [--content-weight W,..] [--model NAME=VALUE,..] [--few-events N] [--fill-only]",
        [
            new("train", "FILE", "Training events: user item rating timestamp (tab/space separated, .gz or plain)."),
            new("test", "FILE", "Test events, same format: a user's distinct items are what counts as relevant."),
            new("k", "N", "List length, 1-100 (default 10)."),
            new("mode", "MODE", "discovery (default): items the user has in train are removed; repeat: nothing removed."),
            new("out", "FILE", "Write the lists as user item rank score (rank 1 best)."),
            new("embedding-weight", "W[,W...]", "Weight of the embedding score in the blend (default: the model's)."),
            new("ease-weight", "W[,W...]", "Weight of the item-to-item (EASE) score in the blend (default: the model's)."),
            new("repeat-weight", "W[,W...]", "Repeat mode: weight of the user's own affinity (default: the model's)."),
            new("diversity", "D[,D...]", "The request's diversity, 0-1 (default 0): each value is scored on the same replay and model."),
            new("max-per-category", "N[,N...]", "The request's maxPerCategory, 1-100 (default none); 0 in the list means none. Needs --categories to act."),
            new("categories", "FILE", "Item categories, item<TAB>category per line: the catalogue's, put into the cluster before the replay."),
            new("items", "CSV", "Online Retail CSV (plain or .gz): each stock code's Description, from its first kept line, put into the cluster as the item's title before the replay (the catalogue text content similarity reads)."),
            new("content-weight", "W[,W...]", "Weight of the content score in the blend (default: the model's)."),
            new("model", "NAME=VALUE[,...]", "Model settings for this run, as in the Reco:Model configuration section (e.g. HistoryFanOut=40,HalfLife=14.00:00:00): to tune on a validation window."),
            new("few-events", "N", "Test users keep only their last N training events (1-100), the rest of train as it is: how shoppers with that few events are served."),
            new("fill-only", null, "Also score the popularity fill alone, as a shopper with nothing personal before it would get it: their segment's popular items (for a light shopper, Reco:Model:SegmentFillMaxItems) then the shop's."),
            new("silos", "N", "Silos of the in-process cluster, 2-8 (default 2)."),
            new("concurrency", "N", "Batches of events in flight at once, 1-1024 (default 256); with --gateway requests in flight, 1-16 (default 4)."),
            new("gateway", "URL", "Evaluate a running gateway over HTTP instead of an in-process cluster (needs its storefront and admin keys)."),
            SharedOptions.StorefrontKey,
            new("admin-key", "KEY", $"With --gateway: API key for POST /v1/admin/model/train (default {GatewayKeys.DevAdmin})."),
            new("refresh-wait", "S", "With --gateway: seconds to wait after training for the silos to serve the new model (default 10, the gateway's Reco:Model:EmbeddingRefreshPeriod default)."),
            SharedOptions.Wait,
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
        var gateway = args.Url("gateway");
        if (gateway is not null && InProcessOnly.FirstOrDefault(args.Has) is { } option)
        {
            throw new UsageException($"--{option} applies to the in-process cluster; a running gateway serves its own configuration.");
        }
        var silos = args.Int("silos", 2, 2, 8);
        var concurrency = gateway is null ? args.Int("concurrency", 256, 1, 1024) : args.Int("concurrency", 4, 1, 16);
        var train = ReadEvents(args.RequiredString("train"));
        var test = ReadEvents(args.RequiredString("test"));
        if (args.Has("few-events"))
        {
            train = KeepLastEvents(train, test.Select(e => e.UserId).ToHashSet(StringComparer.Ordinal), args.Int("few-events", 2, 1, 100));
        }
        var fillOnly = args.Has("fill-only");
        var outPath = args.String("out");
        var modelSettings = ParseModelSettings(args.String("model"));
        IReadOnlyList<double?> embeddingWeights = args.String("embedding-weight") is { } e ? ParseWeights("embedding-weight", e) : [null];
        IReadOnlyList<double?> easeWeights = args.String("ease-weight") is { } ii ? ParseWeights("ease-weight", ii) : [null];
        IReadOnlyList<double?> repeatWeights = args.String("repeat-weight") is { } r ? ParseWeights("repeat-weight", r) : [null];
        IReadOnlyList<double?> contentWeights = args.String("content-weight") is { } cw ? ParseWeights("content-weight", cw) : [null];
        if (discovery && repeatWeights[0] is not null) throw new UsageException("--repeat-weight applies to --mode repeat only.");
        IReadOnlyList<double> diversities = args.String("diversity") is { } d ? ParseList("diversity", d, 0, 1) : [0];
        var capValues = args.String("max-per-category") is { } c ? ParseList("max-per-category", c, 0, 100) : [0];
        if (capValues.Any(cap => cap != Math.Floor(cap))) throw new UsageException("--max-per-category takes whole numbers from 0 (no cap) to 100.");
        IReadOnlyList<int?> caps = capValues.Select(cap => cap == 0 ? null : (int?)cap).ToList();
        var categories = args.String("categories") is { } categoriesPath ? ReadCategories(categoriesPath) : null;
        var titles = args.String("items") is { } itemsPath ? ReadTitles(itemsPath) : null;
        // Every combination is scored on the same replay and model; --out gets the first.
        var weights = embeddingWeights
            .SelectMany(ew => easeWeights.SelectMany(iw => repeatWeights.SelectMany(rw => contentWeights.SelectMany(cw =>
                diversities.SelectMany(dv => caps.Select(cap => new WeightChoice(ew, iw, rw, dv, cap, cw)))))))
            .ToList();

        var relevant = test
            .GroupBy(e => e.UserId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(e => e.ItemId).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var trainItems = train
            .GroupBy(e => e.UserId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.ItemId).Distinct(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        // What the cluster knows and so could list: coverage is the share of it that some list reaches.
        var catalogue = train.Select(e => e.ItemId).ToHashSet(StringComparer.Ordinal);
        // Test purchases of items that first appear in the test window (none of train's events name them): only
        // content (their catalogue text) can bring them into a list, so they are scored on their own beside the rest.
        var newItemsRelevant = relevant
            .Select(kv => (User: kv.Key, Items: (IReadOnlySet<string>)kv.Value.Where(i => !catalogue.Contains(i)).ToHashSet(StringComparer.Ordinal)))
            .Where(u => u.Items.Count > 0)
            .ToDictionary(u => u.User, u => u.Items, StringComparer.Ordinal);
        environment.Out.WriteLine($"train: {train.Count:N0} events, {trainItems.Count:N0} users; test: {test.Count:N0} events, {relevant.Count:N0} users; " +
            $"k = {k}, mode = {(discovery ? "discovery" : "repeat")}, " + (gateway is null ? $"{silos} silos" : $"gateway {gateway.AbsoluteUri}"));

        if (gateway is not null)
        {
            await RunAgainstGatewayAsync(args, environment, gateway, concurrency, train, relevant, newItemsRelevant, trainItems, catalogue, k, discovery, outPath, cancellationToken);
            return ExitCodes.Success;
        }

        if (!SplitInTime.IsSplitInTime(train, test))
        {
            // Recency predicts what comes next; a random split asks for no such thing. What the user set stays.
            var timeless = TimelessSettings.Where(kv => !modelSettings.ContainsKey(kv.Key)).ToList();
            foreach (var (name, value) in timeless) modelSettings[name] = value;
            if (timeless.Count > 0)
            {
                environment.Out.WriteLine("most test events are older than their user's newest training event (a random split, not one in time): " +
                    $"this run uses no recency ({string.Join(", ", timeless.Select(kv => $"{kv.Key}={kv.Value}"))}); --model sets them");
            }
        }
        await using var cluster = await EvaluationCluster.StartAsync(silos, options => BindModelSettings(modelSettings, options));
        if (categories is not null || titles is not null)
        {
            await UpsertCatalogueAsync(cluster, categories ?? [], titles ?? [], cancellationToken);
        }
        if (categories is not null)
        {
            environment.Out.WriteLine($"categories: {categories.Count:N0} items in {categories.Values.Distinct(StringComparer.OrdinalIgnoreCase).Count():N0} categories");
        }
        if (titles is not null)
        {
            environment.Out.WriteLine($"item text: {titles.Count:N0} items with a title, {newItemsRelevant.Values.SelectMany(i => i).Distinct().Count(titles.ContainsKey):N0} of the test's items not in train among them");
        }
        var runtimeBefore = RuntimeCost.Now();
        var replay = await TrainingReplay.RunAsync(cluster, train, concurrency, cancellationToken);
        PrintReplay(environment, replay.Events, replay.Users, replay.Elapsed);
        PrintRuntimeCost(environment, RuntimeCost.Now() - runtimeBefore, replay.Events, replay.Elapsed);

        var model = await TrainModelAsync(cluster, cancellationToken);
        PrintModel(environment, model is null ? null : new ModelSummary(model.Version, model.Users, model.Items, model.Interactions, model.Factors, model.Sweeps,
            model.ReadTime.TotalSeconds, model.TrainTime.TotalSeconds, model.TrainingBytes, model.EaseItems), inProcess: true);

        await Task.Delay(EvaluationCluster.ModelRefreshPeriod, cancellationToken); // every silo now serves the new model
        // The similarity the re-ranker diversifies by, read from the same model: intra-list diversity measures that.
        var itemModel = model is null ? null : await EmbeddingModelCache.Load(cluster.Grains, model);

        var recommender = cluster.Grains.GetGrain<IRecommenderGrain>(0);
        var defaults = new ModelOptions();
        BindModelSettings(modelSettings, defaults);
        var withSegmentItems = 0;
        for (var w = 0; w < weights.Count; w++)
        {
            var choice = weights[w];
            await RecommendAllAsync(environment, relevant, newItemsRelevant, catalogue, itemModel is null ? null : itemModel.Similarity, k, Label(choice), w == 0 ? outPath : null, async user =>
            {
                var items = (await recommender.Recommend(cluster.Pseudonym(user), Request(user, choice))).Items;
                if (w == 0 && items.Any(i => i.Reason == RecommendationReason.Segment)) withSegmentItems++;
                return items.Select(i => new RankedItem(i.ItemId, i.Score)).ToList();
            }, cancellationToken);
        }
        if (fillOnly)
        {
            environment.Out.WriteLine($"lists with segment fill: {withSegmentItems:N0} of {relevant.Count:N0}");
            // The fill alone, as the recommender fills a list with nothing personal before it: the shop's popular items
            // alone, then the light shopper's segment's first; both on this replay and model, so the two are paired.
            foreach (var segmentFirst in new[] { false, true })
            {
                var inSegment = 0;
                await RecommendAllAsync(environment, relevant, newItemsRelevant, catalogue, itemModel is null ? null : itemModel.Similarity, k,
                    segmentFirst ? "fill only, segment first: " : "fill only, shop's popularity: ", null, async user =>
                {
                    var context = await cluster.Grains.GetGrain<IUserGrain>(cluster.Pseudonym(user)).GetContext();
                    var excluded = new HashSet<string>(discovery ? trainItems.GetValueOrDefault(user) ?? [] : [], StringComparer.Ordinal);
                    var segment = segmentFirst ? SegmentFill.For(itemModel, context, defaults.SegmentFillMaxItems, null) : [];
                    if (segment.Count > 0) inSegment++;
                    var popular = await recommender.Popular(k + excluded.Count + segment.Count, null);
                    return segment.Concat(popular)
                        .Where(p => excluded.Add(p.ItemId))
                        .Take(k)
                        .Select(p => new RankedItem(p.ItemId, p.Score))
                        .ToList();
                }, cancellationToken);
                if (segmentFirst)
                {
                    environment.Out.WriteLine($"fill only: {inSegment:N0} of {relevant.Count:N0} users got their segment's items first; " +
                        $"segments: {string.Join(", ", itemModel?.Segments.Select(s => s.Shoppers.ToString("N0", CultureInfo.InvariantCulture)) ?? [])}");
                }
            }
        }
        return ExitCodes.Success;

        // Discovery removes everything the user has in train, also what their bounded history has forgotten.
        RecommendationRequest Request(string user, WeightChoice w) => new(k, ExcludeSeen: discovery, Category: null,
            Exclude: discovery ? trainItems.GetValueOrDefault(user) ?? [] : [],
            Mode: discovery ? RecommendationMode.Discovery : RecommendationMode.Repeat,
            Weights: w.Embedding is null && w.Ease is null && w.Repeat is null && w.Content is null ? null : Blend(w),
            Diversity: w.Diversity,
            MaxPerCategory: w.MaxPerCategory);

        BlendWeights Blend(WeightChoice w) => new(
            defaults.NeighbourhoodWeight, w.Embedding ?? defaults.EmbeddingWeight, w.Repeat ?? defaults.RepeatWeight, w.Ease ?? defaults.EaseWeight,
            w.Content ?? defaults.ContentWeight);
    }

    /// <summary>
    /// Settings for a random split: affinities without decay (a half-life of a century) and item-to-item weights
    /// without recency. Decay weighs what a shopper did lately, which predicts what they do next, not a random part
    /// of what they did (docs/quality.md).
    /// </summary>
    private static readonly Dictionary<string, string> TimelessSettings = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(ModelOptions.HalfLife)] = "36500.00:00:00",
        [nameof(ModelOptions.EaseHalfLife)] = "00:00:00",
    };

    /// <summary>Options that change the in-process cluster or ask it what the HTTP API does not offer.</summary>
    private static readonly string[] InProcessOnly =
        ["silos", "model", "embedding-weight", "ease-weight", "repeat-weight", "diversity", "max-per-category", "categories", "items", "content-weight", "few-events", "fill-only"];

    /// <summary>
    /// The training events with each of <paramref name="users"/> cut to their last <paramref name="count"/> events (in
    /// time, the file's order among equal times): the test users then are light shoppers, whose lists the segment fill
    /// is for, while everyone else's history trains the model as before.
    /// </summary>
    private static List<StorefrontEvent> KeepLastEvents(List<StorefrontEvent> train, IReadOnlySet<string> users, int count)
    {
        var kept = train
            .Select((e, n) => (Event: e, Order: n))
            .Where(x => users.Contains(x.Event.UserId))
            .GroupBy(x => x.Event.UserId, StringComparer.Ordinal)
            .SelectMany(g => g.OrderByDescending(x => x.Event.Timestamp).ThenByDescending(x => x.Order).Take(count))
            .Select(x => x.Order)
            .ToHashSet();
        return train.Where((e, n) => !users.Contains(e.UserId) || kept.Contains(n)).ToList();
    }

    /// <summary>Blend weights of one scoring pass (null: the model's) and the list options it asks with.</summary>
    private sealed record WeightChoice(double? Embedding, double? Ease, double? Repeat, double Diversity = 0, int? MaxPerCategory = null, double? Content = null);

    /// <summary>
    /// The same evaluation over HTTP against a running gateway: the training events are posted to
    /// <c>POST /v1/events</c> (each user's in time order), the model is trained with
    /// <c>POST /v1/admin/model/train?wait=true</c>, and each test user's list comes from
    /// <c>GET /v1/users/{id}/recommendations</c>. The API excludes at most 100 items per request, so in discovery
    /// mode the tool asks for 100 with <c>excludeSeen=true</c> and removes the user's other train items itself.
    /// </summary>
    private static async Task RunAgainstGatewayAsync(
        ParsedArgs args, ToolsEnvironment environment, Uri gateway, int concurrency, List<StorefrontEvent> train,
        Dictionary<string, IReadOnlySet<string>> relevant, Dictionary<string, IReadOnlySet<string>> newItemsRelevant,
        Dictionary<string, List<string>> trainItems, IReadOnlySet<string> catalogue, int k, bool discovery,
        string? outPath, CancellationToken cancellationToken)
    {
        using var http = environment.CreateHttpClient();
        var client = new GatewayClient(http, gateway, SharedOptions.KeysFrom(args), environment.Retry);
        await SharedOptions.WaitUntilReadyAsync(client, gateway, args.Int("wait", 30, 1, 3600), environment, cancellationToken);

        var upload = await new EventUploader(client, concurrency).UploadAsync(TrainingReplay.InTimeOrder(train), cancellationToken);
        PrintReplay(environment, upload.Events, trainItems.Count, upload.Elapsed);

        PrintModel(environment, await client.TrainModelAsync(cancellationToken), inProcess: false);
        var refresh = TimeSpan.FromSeconds(args.Double("refresh-wait", 10, 0, 3600));
        await Task.Delay(refresh, environment.Time, cancellationToken); // the silos switch to the new model within their refresh period

        // No item vectors over HTTP: coverage only.
        await RecommendAllAsync(environment, relevant, newItemsRelevant, catalogue, null, k, "", outPath, async user =>
        {
            var items = await client.RecommendAsync(user, discovery ? 100 : k, discovery, excludeSeen: discovery, cancellationToken);
            var seen = discovery ? trainItems.GetValueOrDefault(user) ?? [] : [];
            return items.Where(i => !seen.Contains(i.ItemId, StringComparer.Ordinal)).Take(k).Select(i => new RankedItem(i.ItemId, i.Score)).ToList();
        }, cancellationToken);
    }

    /// <summary>
    /// Asks for every test user's list, one at a time, and prints the time per list and the metrics: the ranking
    /// metrics, then intra-list diversity under <paramref name="similarity"/> (when there is one) and catalogue coverage,
    /// then the same ranking metrics on the test purchases of items not in train (<paramref name="newItemsRelevant"/>,
    /// over the users who have any) when there are such.
    /// </summary>
    private static async Task RecommendAllAsync(
        ToolsEnvironment environment, Dictionary<string, IReadOnlySet<string>> relevant, Dictionary<string, IReadOnlySet<string>> newItemsRelevant,
        IReadOnlySet<string> catalogue,
        Func<string, string, double>? similarity, int k, string label, string? outPath,
        Func<string, Task<List<RankedItem>>> recommend, CancellationToken cancellationToken)
    {
        var lists = new Dictionary<string, IReadOnlyList<RankedItem>>(StringComparer.Ordinal);
        var latencies = new List<double>(relevant.Count);
        foreach (var user in relevant.Keys.Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var watch = Stopwatch.StartNew();
            lists[user] = await recommend(user);
            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }

        var ids = lists.ToDictionary(l => l.Key, l => (IReadOnlyList<string>)l.Value.Select(i => i.ItemId).ToList());
        var scores = RankingMetrics.Score(relevant, ids, k);
        latencies.Sort();
        environment.Out.WriteLine($"{label}recommendations: {latencies.Count:N0}, one at a time: median {latencies[latencies.Count / 2]:F2} ms, " +
            $"p99 {latencies[Math.Min(latencies.Count - 1, (int)(latencies.Count * 0.99))]:F2} ms");
        // Beyond accuracy, after the ranking metrics on the same line (which `score` prints alone, so its line is a prefix of this one).
        var diversity = similarity is null ? "" : string.Create(CultureInfo.InvariantCulture, $"ILD@{k} {ListDiversity.IntraList(ids.Values, k, similarity):F4}  ");
        environment.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}MAP@{k} {scores.MapAtK:F4}  nDCG@{k} {scores.NdcgAtK:F4}  Precision@{k} {scores.PrecisionAtK:F4}  Recall@{k} {scores.RecallAtK:F4}  ({scores.Users:N0} users)  {diversity}coverage@{k} {ListDiversity.Coverage(ids.Values, k, catalogue):F4}"));
        if (newItemsRelevant.Count > 0)
        {
            var newItems = RankingMetrics.Score(newItemsRelevant, ids, k);
            var hits = newItemsRelevant.Sum(u => ids.GetValueOrDefault(u.Key)?.Take(k).Count(u.Value.Contains) ?? 0);
            environment.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label}items not in train: MAP@{k} {newItems.MapAtK:F4}  nDCG@{k} {newItems.NdcgAtK:F4}  Precision@{k} {newItems.PrecisionAtK:F4}  Recall@{k} {newItems.RecallAtK:F4}  ({newItems.Users:N0} users, {newItemsRelevant.Sum(u => u.Value.Count):N0} pairs, {hits:N0} hit)"));
        }
        if (outPath is not null)
        {
            await WriteListsAsync(outPath, lists, cancellationToken);
        }
    }

    private static void PrintReplay(ToolsEnvironment environment, long events, int users, TimeSpan elapsed) =>
        environment.Out.WriteLine($"replay: {events:N0} events of {users:N0} users in {elapsed.TotalSeconds:F1} s, {events / Math.Max(elapsed.TotalSeconds, 1e-9):N0} events/s");

    /// <summary>
    /// What the replay cost the .NET runtime, the whole cluster being this process: allocation per event and the share
    /// paused tell where a replay's time goes, beside events/s (all three vary between runs as the batching does).
    /// </summary>
    private static void PrintRuntimeCost(ToolsEnvironment environment, RuntimeCost cost, long events, TimeSpan elapsed) =>
        environment.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"replay runtime: {cost.AllocatedBytes / 1024.0 / Math.Max(events, 1):N1} KiB allocated per event, " +
            $"garbage collections {cost.Gen0:N0} / {cost.Gen1:N0} / {cost.Gen2:N0} (gen 0 / 1 / 2), " +
            $"paused {100 * cost.Paused.TotalSeconds / Math.Max(elapsed.TotalSeconds, 1e-9):F0}% of the replay"));

    /// <summary>The model's summary; in-process, also the peak memory of this process, which is then the whole cluster.</summary>
    private static void PrintModel(ToolsEnvironment environment, ModelSummary? model, bool inProcess) =>
        environment.Out.WriteLine(model is null
            ? "embedding model: none (no history)"
            : string.Create(CultureInfo.InvariantCulture,
                $"embedding model {model.Version}: {model.Users:N0} users, {model.Items:N0} items ({model.EaseItems:N0} with item-to-item weights), " +
                $"{model.Interactions:N0} interactions, {model.Factors} factors, {model.Sweeps} sweeps; " +
                $"read {model.ReadSeconds:F1} s, trained {model.TrainSeconds:F1} s, training data {model.TrainingBytes / 1048576.0:F1} MiB")
                + (inProcess ? $"; process peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB" : ""));

    /// <summary>NAME=VALUE pairs, checked here against <see cref="ModelOptions"/> so a typo stops the run before the replay.</summary>
    private static Dictionary<string, string?> ParseModelSettings(string? text)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0) throw new UsageException($"--model takes NAME=VALUE pairs, comma-separated, not '{part}'.");
            var name = part[..equals].Trim();
            if (typeof(ModelOptions).GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is not { CanWrite: true })
            {
                var known = string.Join(", ", typeof(ModelOptions).GetProperties().Where(p => p.CanWrite).Select(p => p.Name));
                throw new UsageException($"--model: no model setting '{name}'. Settings: {known}.");
            }
            settings[name] = part[(equals + 1)..].Trim();
        }
        var options = new ModelOptions();
        try
        {
            BindModelSettings(settings, options);
        }
        catch (InvalidOperationException exception)
        {
            throw new UsageException($"--model: {exception.Message}");
        }
        if (options.Problems().FirstOrDefault() is { } problem)
        {
            throw new UsageException($"--model: {problem}");
        }
        return settings;
    }

    private static void BindModelSettings(Dictionary<string, string?> settings, ModelOptions options) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build()
            .Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);

    private static List<double> ParseList(string option, string text, double min, double max) => text.Split(',').Select(part =>
        double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--{option} takes numbers from {min} to {max}, comma-separated, not '{part}'."))).ToList();

    private static List<double?> ParseWeights(string option, string text) => text.Split(',').Select(part =>
        double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var weight) && weight is >= 0 and <= 1e6
            ? (double?)weight
            : throw new UsageException($"--{option} takes numbers from 0 to 1e6, comma-separated, not '{part}'.")).ToList();

    private static string Label(WeightChoice weights) =>
        (weights.Embedding is { } e ? string.Create(CultureInfo.InvariantCulture, $"embedding weight {e:G4}: ") : "")
        + (weights.Ease is { } i ? string.Create(CultureInfo.InvariantCulture, $"ease weight {i:G4}: ") : "")
        + (weights.Repeat is { } r ? string.Create(CultureInfo.InvariantCulture, $"repeat weight {r:G4}: ") : "")
        + (weights.Diversity > 0 ? string.Create(CultureInfo.InvariantCulture, $"diversity {weights.Diversity:G4}: ") : "")
        + (weights.MaxPerCategory is { } cap ? $"max {cap} per category: " : "")
        + (weights.Content is { } cw ? string.Create(CultureInfo.InvariantCulture, $"content weight {cw:G4}: ") : "");

    /// <summary>item TAB category lines; blank lines and lines without a category are skipped, a malformed one stops the run.</summary>
    private static Dictionary<string, string> ReadCategories(string path)
    {
        if (!File.Exists(path)) throw new IOException($"File not found: {path}");
        var categories = new Dictionary<string, string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0) continue;
            var fields = line.Split('\t');
            if (fields.Length != 2 || fields[0].Length == 0) throw new InvalidDataException($"{path}: line {number} is not 'item<TAB>category'.");
            if (fields[1].Length > 0) categories[fields[0]] = fields[1];
        }
        return categories;
    }

    /// <summary>
    /// Each product's title, from the first kept line of its stock code (as <c>import</c> takes it): the catalogue a shop
    /// has before a product sells, so items first bought in the test window have their text from the start.
    /// </summary>
    private static Dictionary<string, string> ReadTitles(string path)
    {
        if (!File.Exists(path)) throw new IOException($"File not found: {path}");
        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in new OnlineRetailReader().ReadFile(path))
        {
            if (OnlineRetailReader.ToCatalogItem(row) is { Title: { } title } item) titles.TryAdd(item.ItemId, title);
        }
        return titles;
    }

    /// <summary>
    /// Each item's category and title into the cluster as <c>PUT /v1/items/{id}</c> puts them, a few hundred at a time.
    /// </summary>
    private static async Task UpsertCatalogueAsync(
        EvaluationCluster cluster, Dictionary<string, string> categories, Dictionary<string, string> titles, CancellationToken cancellationToken)
    {
        var items = categories.Keys.Union(titles.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        foreach (var chunk in items.Chunk(256))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.WhenAll(chunk.Select(id => cluster.Grains.GetGrain<IItemGrain>(id).Upsert(
                new ItemDetails(titles.GetValueOrDefault(id), categories.GetValueOrDefault(id), [], null, Available: true))));
        }
    }

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

    /// <summary>One entry of a list, as written to <c>--out</c>.</summary>
    private sealed record RankedItem(string ItemId, double Score);

    private static async Task WriteListsAsync(string path, Dictionary<string, IReadOnlyList<RankedItem>> lists, CancellationToken cancellationToken)
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

    /// <summary>Process-wide runtime counters; the difference of two readings is what happened between them.</summary>
    private readonly record struct RuntimeCost(long AllocatedBytes, int Gen0, int Gen1, int Gen2, TimeSpan Paused)
    {
        public static RuntimeCost Now() => new(
            GC.GetTotalAllocatedBytes(precise: false), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2),
            GC.GetTotalPauseDuration());

        public static RuntimeCost operator -(RuntimeCost after, RuntimeCost before) => new(
            after.AllocatedBytes - before.AllocatedBytes, after.Gen0 - before.Gen0, after.Gen1 - before.Gen1,
            after.Gen2 - before.Gen2, after.Paused - before.Paused);
    }
}
