using System.Globalization;
using OrleansReco.Grains.Model;
using OrleansReco.Tools.Cli;
using OrleansReco.Tools.Import;

namespace OrleansReco.Tools.Commands;

/// <summary>
/// What private popularity costs in accuracy: the popular list each test user would be filled with (their training
/// items left out, as evaluate's discovery mode leaves them out), scored against the test file, with exact popularity and
/// with the noise of each epsilon, over several snapshots (fresh keys). Histories are kept as the user grains keep
/// them (<see cref="UserHistory"/> under the default model settings), so the counts are the ones the index holds.
/// No cluster: the lists are the same whichever silo serves them.
/// </summary>
public sealed class PrivacyCostCommand : ICommand
{
    public CommandSpec Spec { get; } = new(
        "privacy-cost",
        "nDCG of popularity-only lists, exact and with private popularity's noise at each epsilon.",
        "privacy-cost --train FILE --test FILE [--epsilons 0.1,0.5,1,2,5] [--snapshots 20] [--history-limit N] [--k 10]",
        [
            new("train", "FILE", "Training events: user item rating timestamp (what the counts are made of)."),
            new("test", "FILE", "Test events: a user's distinct items are what counts as relevant."),
            new("epsilons", "LIST", "Comma-separated epsilons above 0 (default 0.1,0.5,1,2,5)."),
            new("snapshots", "N", "Noise draws (snapshots) per epsilon, 1-1000 (default 20): the mean and spread are printed."),
            new("history-limit", "N", "Reco:Model:HistoryLimit, which is also the noise's sensitivity (default the model's, 200)."),
            new("k", "N", "List length scored, 1-100 (default 10)."),
        ]);

    public Task<int> RunAsync(ParsedArgs args, ToolsEnvironment environment, CancellationToken cancellationToken)
    {
        var k = args.Int("k", 10, 1, 100);
        var snapshots = args.Int("snapshots", 20, 1, 1000);
        var model = new ModelOptions();
        model.HistoryLimit = args.Int("history-limit", model.HistoryLimit, 1, 100_000);
        var epsilons = ParseEpsilons(args.String("epsilons") ?? "0.1,0.5,1,2,5");
        var trainPath = args.RequiredString("train");
        var testPath = args.RequiredString("test");
        foreach (var path in new[] { trainPath, testPath })
        {
            if (!File.Exists(path)) throw new IOException($"File not found: {path}");
        }

        var policy = HistoryPolicy.From(model);
        var histories = new Dictionary<string, UserHistory>(StringComparer.Ordinal);
        var seen = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var e in new TsvEventReader().ReadFile(trainPath).OrderBy(e => e.Timestamp))
        {
            var history = histories.TryGetValue(e.UserId, out var h) ? h : histories[e.UserId] = new UserHistory(policy);
            history.Record(e.ItemId, (EventKind)(int)e.Type, e.Timestamp.ToUnixTimeSeconds());
            (seen.TryGetValue(e.UserId, out var s) ? s : seen[e.UserId] = new HashSet<string>(StringComparer.Ordinal)).Add(e.ItemId);
        }
        var relevant = new TsvEventReader().ReadFile(testPath)
            .GroupBy(e => e.UserId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(e => e.ItemId).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);

        // What the index holds: each item's holder count and its exact (decayed weight) popularity.
        var holders = new Dictionary<string, int>(StringComparer.Ordinal);
        var weights = new Dictionary<string, Dictionary<int, long>>(StringComparer.Ordinal);
        foreach (var (item, contribution) in histories.Values.SelectMany(h => h.Contributions()))
        {
            holders[item] = holders.GetValueOrDefault(item) + 1;
            var byDay = weights.TryGetValue(item, out var w) ? w : weights[item] = new Dictionary<int, long>();
            byDay[contribution.Day] = byDay.GetValueOrDefault(contribution.Day) + contribution.MilliWeight;
        }
        var counts = holders.Select(h => new ItemCount(h.Key, h.Value, null)).ToList();
        var exactWeight = weights
            .OrderByDescending(w => PopularityMath.Log2Sum(w.Value, model.HalfLife)).ThenBy(w => w.Key, StringComparer.Ordinal)
            .Select(w => w.Key).ToList();
        var exactHolders = counts.OrderByDescending(c => c.Shoppers).ThenBy(c => c.ItemId, StringComparer.Ordinal).Select(c => c.ItemId).ToList();

        double Ndcg(IReadOnlyList<string> ranking) => RankingMetrics.Score(relevant, Fill(ranking, relevant.Keys, seen, k), k).NdcgAtK;
        var output = environment.Out;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{histories.Count:N0} shoppers, {counts.Count:N0} items, {relevant.Count:N0} test users; sensitivity (HistoryLimit) {model.HistoryLimit}; top holder count {exactHolders.Select(i => holders[i]).FirstOrDefault()}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"exact popularity (decayed weight, epsilon 0)  nDCG@{k} {Ndcg(exactWeight):F4}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"exact holder counts                           nDCG@{k} {Ndcg(exactHolders):F4}"));
        foreach (var epsilon in epsilons)
        {
            var scores = Enumerable.Range(0, snapshots)
                .Select(_ => Ndcg(PrivatePopularity.Rank(counts, PopularityNoise.Fresh(epsilon, PrivatePopularity.Sensitivity(model))).ConvertAll(n => n.ItemId)))
                .ToList();
            var mean = scores.Average();
            var sd = Math.Sqrt(scores.Sum(s => (s - mean) * (s - mean)) / Math.Max(1, scores.Count - 1));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epsilon {epsilon,-5} (noise scale {model.HistoryLimit / epsilon,7:F0})       nDCG@{k} {mean:F4} (sd {sd:F4}, min {scores.Min():F4}, max {scores.Max():F4}, {snapshots} snapshots)"));
        }
        return Task.FromResult(ExitCodes.Success);
    }

    /// <summary>Each test user's first k items of the ranking that are not among their training items.</summary>
    private static Dictionary<string, IReadOnlyList<string>> Fill(
        IReadOnlyList<string> ranking, IEnumerable<string> users, Dictionary<string, HashSet<string>> seen, int k) =>
        users.ToDictionary(
            u => u,
            u => (IReadOnlyList<string>)ranking.Where(i => !seen.TryGetValue(u, out var s) || !s.Contains(i)).Take(k).ToList(),
            StringComparer.Ordinal);

    private static List<double> ParseEpsilons(string text)
    {
        var epsilons = new List<double>();
        foreach (var part in text.Split(','))
        {
            if (!double.TryParse(part.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var epsilon) || !double.IsFinite(epsilon) || epsilon <= 0)
            {
                throw new UsageException($"--epsilons: '{part.Trim()}' is not a finite number above 0.");
            }
            epsilons.Add(epsilon);
        }
        return epsilons;
    }
}
