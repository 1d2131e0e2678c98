using OrleansReco.Tools.Cli;

namespace OrleansReco.ToolsTests;

/// <summary>privacy-cost end to end on files small enough to score by hand.</summary>
public sealed class PrivacyCostCommandTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("privacy-cost-");

    public void Dispose() => _directory.Delete(recursive: true);

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public async Task Exact_popularity_is_scored_by_hand_and_every_epsilon_gets_a_line()
    {
        // "top" is held by four shoppers, "mid" by two, "low" by one; the test user has "top" in training and "mid" in test:
        // its fill is mid, low (training items left out), a hit at rank 1, nDCG 1 (0.6309 were top not left out).
        var train = Write("train.tsv",
            "a\ttop\t1\t1700000000", "b\ttop\t1\t1700000100", "c\ttop\t1\t1700000200",
            "a\tmid\t1\t1700000300", "b\tmid\t1\t1700000400", "c\tlow\t1\t1700000500", "t\ttop\t1\t1700000600");
        var test = Write("test.tsv", "t\tmid\t1\t1700100000");
        var environment = TestEnvironment.Create();

        var exit = await ToolsApp.RunAsync(["privacy-cost", "--train", train, "--test", test, "--epsilons", "0.5,3", "--snapshots", "2"], environment, CancellationToken.None);

        Assert.Equal(ExitCodes.Success, exit);
        var output = environment.Out.ToString()!;
        Assert.Contains("exact popularity (decayed weight, epsilon 0)  nDCG@10 1.0000", output);
        Assert.Contains("exact holder counts                           nDCG@10 1.0000", output);
        Assert.Contains("epsilon 0.5   (noise scale     400)", output);
        Assert.Contains("epsilon 3     (noise scale      67)", output);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1,x")]
    [InlineData("NaN")]
    public async Task An_epsilon_that_is_not_above_zero_is_refused(string epsilons)
    {
        var train = Write("train.tsv", "a\ttop\t1\t1700000000");
        var environment = TestEnvironment.Create();

        var exit = await ToolsApp.RunAsync(["privacy-cost", "--train", train, "--test", train, "--epsilons", epsilons], environment, CancellationToken.None);

        Assert.Equal(ExitCodes.BadArguments, exit);
        Assert.Contains("--epsilons", environment.Error.ToString());
    }
}
