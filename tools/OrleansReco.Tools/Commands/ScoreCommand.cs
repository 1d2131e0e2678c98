using System.Globalization;
using OrleansReco.Grains.Model;
using OrleansReco.Tools.Cli;
using OrleansReco.Tools.Import;

namespace OrleansReco.Tools.Commands;

/// <summary>
/// Scores a recommendations file against a test file, apart from any cluster: the same metrics <c>evaluate</c>
/// prints, so its <c>--out</c> file can be checked independently (or another system's lists scored the same way);
/// with <c>--against</c>, whether a change between two builds' lists is larger than chance.
/// </summary>
public sealed class ScoreCommand : ICommand
{
    public CommandSpec Spec { get; } = new(
        "score",
        "Score recommendation lists (user item rank [score]) against test events: MAP, nDCG, precision and recall at k.",
        "score --test FILE --recs FILE [--k 10] [--against FILE]",
        [
            new("test", "FILE", "Test events: user item rating timestamp; a user's distinct items are what counts as relevant."),
            new("recs", "FILE", "Lists: user item rank [score], tab-separated, rank 1 best (evaluate --out writes this)."),
            new("k", "N", "List length scored, 1-100 (default 10)."),
            new("against", "FILE", "Lists of another build on the same test: also print the nDCG difference user by user, with its standard error."),
        ]);

    public Task<int> RunAsync(ParsedArgs args, ToolsEnvironment environment, CancellationToken cancellationToken)
    {
        var k = args.Int("k", 10, 1, 100);
        var testPath = args.RequiredString("test");
        var recsPath = args.RequiredString("recs");
        var againstPath = args.String("against");
        foreach (var path in new[] { testPath, recsPath, againstPath }.OfType<string>())
        {
            if (!File.Exists(path)) throw new IOException($"File not found: {path}");
        }

        var reader = new TsvEventReader();
        var relevant = reader.ReadFile(testPath)
            .GroupBy(e => e.UserId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(e => e.ItemId).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        if (reader.FirstMalformedLine is { } bad)
        {
            throw new InvalidDataException($"{testPath}: line {bad} is not 'user item rating timestamp' ({reader.Malformed:N0} such lines).");
        }

        var lists = ReadLists(recsPath);
        var scores = RankingMetrics.Score(relevant, lists, k);
        environment.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"MAP@{k} {scores.MapAtK:F4}  nDCG@{k} {scores.NdcgAtK:F4}  Precision@{k} {scores.PrecisionAtK:F4}  Recall@{k} {scores.RecallAtK:F4}  ({scores.Users:N0} users)"));
        if (againstPath is not null)
        {
            var difference = RankingMetrics.CompareNdcg(relevant, ReadLists(againstPath), lists, k);
            environment.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"nDCG@{k} minus that of {Path.GetFileName(againstPath)}: {difference.Mean:+0.0000;-0.0000;0.0000} " +
                $"(paired standard error {difference.StandardError:F4}; {difference.UsersChanged:N0} of {difference.Users:N0} users' scores differ)"));
        }
        return Task.FromResult(ExitCodes.Success);
    }

    /// <summary>Each user's items in rank order; a malformed line or a repeated rank is an error, with its line number.</summary>
    private static Dictionary<string, IReadOnlyList<string>> ReadLists(string path)
    {
        var ranked = new Dictionary<string, SortedList<int, string>>(StringComparer.Ordinal);
        long lineNumber = 0;
        foreach (var line in InputFiles.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var fields = line.Split('\t');
            if (fields.Length < 3 || fields[0].Length == 0 || fields[1].Length == 0
                || !int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var rank) || rank < 1)
            {
                throw new InvalidDataException($"{path}: line {lineNumber} is not 'user item rank [score]' with rank >= 1.");
            }
            var list = ranked.TryGetValue(fields[0], out var existing) ? existing : ranked[fields[0]] = new SortedList<int, string>();
            if (!list.TryAdd(rank, fields[1]))
            {
                throw new InvalidDataException($"{path}: line {lineNumber} repeats rank {rank} for its user.");
            }
        }
        return ranked.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value.Values.ToList(), StringComparer.Ordinal);
    }
}
