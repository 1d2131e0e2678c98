using System.Globalization;
using OrleansReco.Grains.Model;
using OrleansReco.Testing;
using OrleansReco.Tools.Cli;

namespace OrleansReco.ToolsTests;

/// <summary>
/// evaluate end to end on generated data with an answer: two groups of shoppers who each buy only their own group's
/// items, so a user's unseen group items are what a working pipeline must find.
/// </summary>
public sealed class EvaluateCommandTests : IDisposable
{
    private readonly ShopperGroups _groups = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("orleansreco-evaluate-").FullName;

    [Fact]
    public async Task Recommends_unseen_items_of_the_users_own_group_and_writes_lists_the_printed_metrics_come_from()
    {
        var (train, test) = _groups.Write(_directory);
        var recs = Path.Combine(_directory, "recs.tsv");
        var environment = TestEnvironment.Create();

        var exit = await ToolsApp.RunAsync(["evaluate", "--train", train, "--test", test, "--k", "4", "--out", recs], environment, CancellationToken.None);

        Assert.Equal(ExitCodes.Success, exit);
        var lines = File.ReadAllLines(recs).Select(l => l.Split('\t')).ToList();
        Assert.All(lines, l => Assert.Equal(4, l.Length));
        var lists = lines.GroupBy(l => l[0]).ToDictionary(g => g.Key, g => g.OrderBy(l => int.Parse(l[2], CultureInfo.InvariantCulture)).Select(l => l[1]).ToList());
        Assert.Equal(40, lists.Count);
        foreach (var (user, items) in lists)
        {
            Assert.Equal([1, 2, 3, 4], lines.Where(l => l[0] == user).Select(l => int.Parse(l[2], CultureInfo.InvariantCulture)).Order());
            // Discovery: nothing the user had in train; similarity: the group's own items come first.
            Assert.DoesNotContain(items, item => _groups.TrainItems(user).Contains(item));
            Assert.StartsWith(_groups.GroupOf(user), items[0]);
        }

        // The printed nDCG is the one the written lists score.
        var relevant = File.ReadAllLines(test).Select(l => l.Split('\t')).GroupBy(l => l[0])
            .ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(l => l[1]).ToHashSet());
        var scores = RankingMetrics.Score(relevant, lists.ToDictionary(l => l.Key, l => (IReadOnlyList<string>)l.Value), 4);
        Assert.True(scores.NdcgAtK > 0);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"nDCG@4 {scores.NdcgAtK:F4}"), environment.Out.ToString());
        Assert.Contains("embedding model 1: 40 users", environment.Out.ToString());

        // The standalone scorer reads the written lists back and prints the very metrics evaluate printed.
        var scorer = TestEnvironment.Create();
        Assert.Equal(ExitCodes.Success, await ToolsApp.RunAsync(["score", "--test", test, "--recs", recs, "--k", "4"], scorer, CancellationToken.None));
        var printed = scorer.Out.ToString()!.Trim();
        Assert.StartsWith("MAP@4 ", printed);
        Assert.Contains(printed, environment.Out.ToString());
    }

    [Fact]
    public async Task A_random_split_is_evaluated_without_recency_unless_told()
    {
        var (train, test) = _groups.Write(_directory);
        // The same test items, dated before every training event: what a random split within each user looks like.
        File.WriteAllLines(test, File.ReadAllLines(test).Select(l => string.Join('\t', l.Split('\t')[..3].Append("1200000000"))));
        var defaults = TestEnvironment.Create();
        Assert.Equal(ExitCodes.Success, await ToolsApp.RunAsync(["evaluate", "--train", train, "--test", test, "--k", "4"], defaults, CancellationToken.None));
        Assert.Contains("this run uses no recency (HalfLife=36500.00:00:00, EaseHalfLife=00:00:00)", defaults.Out.ToString());

        var partlyTold = TestEnvironment.Create();
        var args = new[] { "evaluate", "--train", train, "--test", test, "--k", "4", "--model", "easehalflife=7.00:00:00" };
        Assert.Equal(ExitCodes.Success, await ToolsApp.RunAsync(args, partlyTold, CancellationToken.None));
        Assert.Contains("this run uses no recency (HalfLife=36500.00:00:00)", partlyTold.Out.ToString());

        var told = TestEnvironment.Create();
        args = ["evaluate", "--train", train, "--test", test, "--k", "4", "--model", "easehalflife=7.00:00:00,HalfLife=14.00:00:00"];
        Assert.Equal(ExitCodes.Success, await ToolsApp.RunAsync(args, told, CancellationToken.None));
        Assert.DoesNotContain("no recency", told.Out.ToString());
    }

    [Fact]
    public async Task Score_refuses_a_list_with_a_repeated_rank_naming_the_line()
    {
        var test = Path.Combine(_directory, "test.tsv");
        var recs = Path.Combine(_directory, "recs.tsv");
        File.WriteAllLines(test, ["u1	i1	1	1300000000"]);
        File.WriteAllLines(recs, ["u1	i1	1	0.5", "u1	i2	1	0.4"]);
        var environment = TestEnvironment.Create();

        Assert.Equal(ExitCodes.Failure, await ToolsApp.RunAsync(["score", "--test", test, "--recs", recs], environment, CancellationToken.None));
        Assert.Contains("line 2", environment.Error.ToString());
    }

    [Fact]
    public async Task Score_against_another_lists_file_prints_the_paired_ndcg_difference()
    {
        var test = Path.Combine(_directory, "test.tsv");
        var before = Path.Combine(_directory, "before.tsv");
        var after = Path.Combine(_directory, "after.tsv");
        File.WriteAllLines(test, ["u1	i1	1	1300000000", "u2	i2	1	1300000000"]);
        File.WriteAllLines(before, ["u1	x	1	0.5", "u2	x	1	0.5"]);
        File.WriteAllLines(after, ["u1	i1	1	0.5", "u2	x	1	0.5"]);
        var environment = TestEnvironment.Create();

        var exit = await ToolsApp.RunAsync(["score", "--test", test, "--recs", after, "--k", "1", "--against", before], environment, CancellationToken.None);

        // Differences +1 and 0: mean 0.5, standard error sqrt(0.5 / 2) = 0.5.
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("nDCG@1 minus that of before.tsv: +0.5000 (paired standard error 0.5000; 1 of 2 users' scores differ)", environment.Out.ToString());
    }

    [Fact]
    public async Task A_malformed_training_line_stops_with_its_line_number()
    {
        var train = Path.Combine(_directory, "bad.tsv");
        File.WriteAllLines(train, ["u1\ti1\t1\t1300000000", "u1 i2 not-a-rating 1300000001"]);
        var environment = TestEnvironment.Create();

        var exit = await ToolsApp.RunAsync(["evaluate", "--train", train, "--test", train], environment, CancellationToken.None);

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.Contains("line 2", environment.Error.ToString());
    }

    [Fact]
    public async Task An_unknown_mode_is_a_usage_error()
    {
        var exit = await ToolsApp.RunAsync(["evaluate", "--train", "x", "--test", "y", "--mode", "best"], TestEnvironment.Create(), CancellationToken.None);

        Assert.Equal(ExitCodes.BadArguments, exit);
    }

    [Fact]
    public async Task Model_settings_reach_the_silos_that_train()
    {
        var (train, test) = _groups.Write(_directory);
        var environment = TestEnvironment.Create();

        var exit = await ToolsApp.RunAsync(["evaluate", "--train", train, "--test", test, "--k", "4", "--model", "EmbeddingFactors=8,EmbeddingSweeps=3,EaseMaxItems=10"], environment, CancellationToken.None);

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("embedding model 1: 40 users, 24 items (10 with item-to-item weights), 240 interactions, 8 factors, 3 sweeps", environment.Out.ToString());
    }

    [Fact]
    public async Task Few_events_cuts_the_test_users_and_fill_only_scores_their_segments_popular_items()
    {
        var (train, test) = _groups.Write(_directory);
        var environment = TestEnvironment.Create();

        var exit = await ToolsApp.RunAsync(
            ["evaluate", "--train", train, "--test", test, "--k", "4", "--few-events", "2", "--fill-only",
                "--model", "EmbeddingFactors=8,Segments=2,SegmentMinShoppers=5"],
            environment, CancellationToken.None);

        Assert.Equal(ExitCodes.Success, exit);
        var output = environment.Out.ToString()!;
        Assert.Contains("train: 80 events, 40 users", output); // every user is a test user, cut to two events
        // Each group is a segment, and every shopper (two items) is filled from their own.
        Assert.Contains("fill only: 40 of 40 users got their segment's items first; segments: 20, 20", output);
        Assert.Contains("fill only, shop's popularity: MAP@4 ", output);
        Assert.Contains("fill only, segment first: MAP@4 ", output);
    }

    [Theory]
    [InlineData("HistoryFanout40")]
    [InlineData("NoSuchSetting=1")]
    [InlineData("HistoryFanOut=many")]
    [InlineData("HistoryFanOut=0")]
    [InlineData("HalfLife=-1.00:00:00")]
    public async Task A_bad_model_setting_stops_before_the_replay(string setting)
    {
        var (train, test) = _groups.Write(_directory);
        var environment = TestEnvironment.Create();

        var exit = await ToolsApp.RunAsync(["evaluate", "--train", train, "--test", test, "--model", setting], environment, CancellationToken.None);

        Assert.Equal(ExitCodes.BadArguments, exit);
        Assert.DoesNotContain("replay:", environment.Out.ToString());
    }

    [Fact]
    public async Task Test_purchases_of_items_not_in_train_are_scored_apart_and_only_content_finds_them()
    {
        // Ten shoppers buy three red mugs, ten three garden spades; in the test window each buys a product no one
        // bought before, of their own kind. Its title (from an Online Retail file) is all that can point at it.
        var titles = new Dictionary<string, string>
        {
            ["10001"] = "RED CERAMIC MUG SMALL", ["10002"] = "RED CERAMIC MUG TALL", ["10003"] = "RED CERAMIC MUG SPOTTY",
            ["20001"] = "GARDEN SPADE STEEL", ["20002"] = "GARDEN SPADE WOODEN", ["20003"] = "GARDEN SPADE CHILDS",
            ["10009"] = "RED CERAMIC MUG LARGE", ["20009"] = "GARDEN SPADE LONG",
        };
        var users = Enumerable.Range(0, 20).Select(u => (User: $"{13000 + u}", Kind: u < 10 ? "1000" : "2000")).ToList();
        var train = Path.Combine(_directory, "train.tsv");
        var test = Path.Combine(_directory, "test.tsv");
        var csv = Path.Combine(_directory, "online_retail.csv");
        File.WriteAllLines(train, users.SelectMany(u => Enumerable.Range(1, 3).Select(i => $"{u.User}\t{u.Kind}{i}\t1\t{1300000000 + i}")));
        File.WriteAllLines(test, users.Select(u => $"{u.User}\t{u.Kind}9\t1\t1310000000"));
        File.WriteAllLines(csv, titles.Select((kv, n) => $"{536000 + n},{kv.Key},{kv.Value},1,2010-12-01 08:26:00,2.55,17850,United Kingdom")
            .Prepend("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"));

        var withContent = TestEnvironment.Create();
        Assert.Equal(ExitCodes.Success, await ToolsApp.RunAsync(["evaluate", "--train", train, "--test", test, "--k", "4", "--items", csv], withContent, CancellationToken.None));
        var without = TestEnvironment.Create();
        Assert.Equal(ExitCodes.Success, await ToolsApp.RunAsync(
            ["evaluate", "--train", train, "--test", test, "--k", "4", "--items", csv, "--model", "ContentSupport=0"], without, CancellationToken.None));

        Assert.Contains("item text: 8 items with a title, 2 of the test's items not in train among them", withContent.Out.ToString());
        Assert.Contains("items not in train: MAP@4 1.0000  nDCG@4 1.0000  Precision@4 0.2500  Recall@4 1.0000  (20 users, 20 pairs, 20 hit)", withContent.Out.ToString());
        Assert.Contains("items not in train: MAP@4 0.0000  nDCG@4 0.0000  Precision@4 0.0000  Recall@4 0.0000  (20 users, 20 pairs, 0 hit)", without.Out.ToString());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
