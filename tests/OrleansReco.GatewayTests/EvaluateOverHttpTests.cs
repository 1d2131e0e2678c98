using System.Globalization;
using OrleansReco.Tools.Cli;
using Xunit;

namespace OrleansReco.GatewayTests;

/// <summary>
/// <c>orleansreco-tools evaluate --gateway</c> against this real gateway: events in over HTTP, the model trained
/// through the admin endpoint, lists from the recommendations endpoint. Two groups of shoppers each buy only their
/// own group's items, so a user's unseen group items are what the whole path must find.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class EvaluateOverHttpTests(GatewayFixture fixture) : IDisposable
{
    private const int GroupItems = 12;
    private readonly string _directory = Directory.CreateTempSubdirectory("orleansreco-evaluate-http-").FullName;
    private readonly string _prefix = Http.Unique("eval");

    [Fact]
    public async Task Evaluate_over_http_recommends_unseen_items_of_the_users_own_group()
    {
        var (train, test) = WriteGroups();
        var recs = Path.Combine(_directory, "recs.tsv");
        var output = new StringWriter();

        var exit = await ToolsApp.RunAsync(
            ["evaluate", "--gateway", fixture.Gateway.BaseAddress.AbsoluteUri, "--storefront-key", GatewayHost.StorefrontKey,
             "--admin-key", GatewayHost.AdminKey, "--refresh-wait", "0", "--train", train, "--test", test, "--k", "4", "--out", recs],
            new ToolsEnvironment(output, new StringWriter()), CancellationToken.None);

        Assert.True(exit == ExitCodes.Success, output.ToString());
        var lists = File.ReadAllLines(recs).Select(l => l.Split('\t'))
            .GroupBy(l => l[0])
            .ToDictionary(g => g.Key, g => g.OrderBy(l => int.Parse(l[2], CultureInfo.InvariantCulture)).Select(l => l[1]).ToList());
        Assert.Equal(40, lists.Count);
        foreach (var (user, items) in lists)
        {
            Assert.Equal(4, items.Count);
            Assert.DoesNotContain(items, item => TrainItems(user).Contains(item));
            Assert.StartsWith(Group(user), items[0]);
        }
        Assert.Contains("replay: 240 events of 40 users", output.ToString());
        Assert.Matches(@"nDCG@4 0\.[1-9]\d{3}", output.ToString());
    }

    [Fact]
    public async Task Settings_of_the_in_process_cluster_are_refused_with_a_gateway()
    {
        var (train, test) = WriteGroups();
        var error = new StringWriter();

        var exit = await ToolsApp.RunAsync(
            ["evaluate", "--gateway", fixture.Gateway.BaseAddress.AbsoluteUri, "--model", "HistoryFanOut=40", "--train", train, "--test", test],
            new ToolsEnvironment(new StringWriter(), error), CancellationToken.None);

        Assert.Equal(ExitCodes.BadArguments, exit);
    }

    private string Group(string user) => user[..(_prefix.Length + 2)]; // "{prefix}-a"

    /// <summary>User n of a group bought its items n..n+5 (mod 12) in train, and n+6, n+7 in test.</summary>
    private IEnumerable<string> TrainItems(string user)
    {
        var n = int.Parse(user[(_prefix.Length + 2)..], CultureInfo.InvariantCulture);
        return Enumerable.Range(0, 6).Select(i => $"{Group(user)}{(n + i) % GroupItems}");
    }

    private (string Train, string Test) WriteGroups()
    {
        var train = new List<string>();
        var test = new List<string>();
        var time = 1_300_000_000L;
        foreach (var group in new[] { $"{_prefix}-a", $"{_prefix}-b" })
        {
            for (var n = 0; n < 20; n++)
            {
                var user = $"{group}{n}";
                train.AddRange(TrainItems(user).Select(item => $"{user}\t{item}\t1\t{time++}"));
                test.AddRange(new[] { 6, 7 }.Select(i => $"{user}\t{group}{(n + i) % GroupItems}\t1\t{time + 1_000_000}"));
            }
        }
        var (trainPath, testPath) = (Path.Combine(_directory, "train.tsv"), Path.Combine(_directory, "test.tsv"));
        File.WriteAllLines(trainPath, train);
        File.WriteAllLines(testPath, test);
        return (trainPath, testPath);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
