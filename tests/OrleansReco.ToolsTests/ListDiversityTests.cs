using System.Globalization;
using System.Text.RegularExpressions;
using OrleansReco.Testing;
using OrleansReco.Tools.Cli;
using OrleansReco.Tools.Evaluation;

namespace OrleansReco.ToolsTests;

/// <summary>The metrics evaluate prints beside nDCG, on lists small enough to score by hand, and end to end.</summary>
public sealed class ListDiversityTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("orleansreco-diversity-").FullName;

    private static readonly Dictionary<(string, string), double> Pairs = new()
    {
        [("a", "b")] = 0.2, [("a", "c")] = 0, [("b", "c")] = 1, [("d", "e")] = 0.25,
    };

    private static double Similarity(string x, string y) =>
        Pairs.TryGetValue((x, y), out var s) || Pairs.TryGetValue((y, x), out s) ? s : 0;

    private static readonly IReadOnlyList<string>[] Lists = [["a", "b", "c"], ["a"], ["d", "e", "zzz"]];

    [Fact]
    public void Intra_list_diversity_is_1_minus_the_mean_pair_similarity_averaged_over_lists_with_a_pair()
    {
        // [a b c]: 1 - (.2 + 0 + 1) / 3 = .6; [a]: no pair, not counted; [d e zzz]: 1 - (.25 + 0 + 0) / 3 = .91666...
        Assert.Equal((0.6 + (1 - 0.25 / 3)) / 2, ListDiversity.IntraList(Lists, 3, Similarity), 12);
        // Only the first k count: [a b] .8, [d e] .75.
        Assert.Equal(0.775, ListDiversity.IntraList(Lists, 2, Similarity), 12);
        Assert.Equal(0, ListDiversity.IntraList(Lists, 1, Similarity));
        Assert.Equal(0, ListDiversity.IntraList([], 10, Similarity));
    }

    [Fact]
    public void Coverage_is_the_share_of_the_catalogue_any_list_reaches()
    {
        var catalogue = new HashSet<string>(["a", "b", "c", "d", "e", "f", "g", "h"]);
        // a b c d e of eight; zzz is not in the catalogue and a twice is once.
        Assert.Equal(5 / 8.0, ListDiversity.Coverage(Lists, 3, catalogue), 12);
        Assert.Equal(2 / 8.0, ListDiversity.Coverage(Lists, 1, catalogue), 12);
        Assert.Equal(0, ListDiversity.Coverage(Lists, 3, new HashSet<string>()));
    }

    [Fact]
    public async Task Evaluate_prints_both_beside_ndcg_for_each_diversity_and_cap_on_one_replay()
    {
        var (train, test) = new ShopperGroups().Write(_directory);
        // Each group's items alternate between two categories.
        var categories = Path.Combine(_directory, "categories.tsv");
        File.WriteAllLines(categories, new[] { "a", "b" }.SelectMany(g => Enumerable.Range(0, 12).Select(i => $"{g}{i}\t{g}-{i % 2}")));
        var environment = TestEnvironment.Create();

        var exit = await ToolsApp.RunAsync(
            ["evaluate", "--train", train, "--test", test, "--k", "4", "--diversity", "0,1", "--max-per-category", "0,1", "--categories", categories],
            environment, CancellationToken.None);

        Assert.Equal(ExitCodes.Success, exit);
        var output = environment.Out.ToString()!;
        Assert.Contains("categories: 24 items in 4 categories", output);
        var metrics = Regex.Matches(output, @"^(?<label>.*)MAP@4 .* nDCG@4 [01]\.\d{4} .*\(40 users\)  ILD@4 (?<ild>[01]\.\d{4})  coverage@4 (?<coverage>[01]\.\d{4})$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups["label"].Value, m => (Ild: Parse(m, "ild"), Coverage: Parse(m, "coverage")));
        Assert.Equal(["", "max 1 per category: ", "diversity 1: ", "diversity 1: max 1 per category: "], metrics.Keys);
        Assert.True(metrics["diversity 1: "].Ild >= metrics[""].Ild, $"{metrics["diversity 1: "]} against {metrics[""]}");
        Assert.All(metrics.Values, m => Assert.InRange(m.Coverage, 1 / 24.0, 1));
    }

    [Theory]
    [InlineData("--diversity", "1.5")]
    [InlineData("--diversity", "-0.1")]
    [InlineData("--max-per-category", "1.5")]
    [InlineData("--max-per-category", "101")]
    public async Task Out_of_range_options_stop_before_the_replay(string option, string value)
    {
        var (train, test) = new ShopperGroups().Write(_directory);
        var environment = TestEnvironment.Create();
        Assert.Equal(ExitCodes.BadArguments, await ToolsApp.RunAsync(["evaluate", "--train", train, "--test", test, option, value], environment, CancellationToken.None));
        Assert.DoesNotContain("replay:", environment.Out.ToString());
    }

    private static double Parse(Match match, string group) => double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
