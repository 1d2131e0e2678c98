using System.Globalization;
using OrleansReco.Testing;
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
    private readonly string _directory = Directory.CreateTempSubdirectory("orleansreco-evaluate-http-").FullName;
    private readonly ShopperGroups _groups = new(Http.Unique("eval") + "-"); // ids of their own in the shared cluster

    [Fact]
    public async Task Evaluate_over_http_recommends_unseen_items_of_the_users_own_group()
    {
        var (train, test) = _groups.Write(_directory);
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
            Assert.DoesNotContain(items, item => _groups.TrainItems(user).Contains(item));
            Assert.StartsWith(_groups.GroupOf(user), items[0]);
        }
        Assert.Contains("replay: 240 events of 40 users", output.ToString());
        Assert.Matches(@"nDCG@4 0\.[1-9]\d{3}", output.ToString());
    }

    [Fact]
    public async Task Settings_of_the_in_process_cluster_are_refused_with_a_gateway()
    {
        var (train, test) = _groups.Write(_directory);
        var error = new StringWriter();

        var exit = await ToolsApp.RunAsync(
            ["evaluate", "--gateway", fixture.Gateway.BaseAddress.AbsoluteUri, "--model", "HistoryFanOut=40", "--train", train, "--test", test],
            new ToolsEnvironment(new StringWriter(), error), CancellationToken.None);

        Assert.Equal(ExitCodes.BadArguments, exit);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
