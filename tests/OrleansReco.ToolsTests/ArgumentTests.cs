using OrleansReco.Tools.Cli;
using OrleansReco.Tools.Commands;

namespace OrleansReco.ToolsTests;

public sealed class ArgumentTests
{
    private static readonly CommandSpec Spec = new(
        "test",
        "A test command.",
        "test [options]",
        [new OptionSpec("count", "N", "A number."), new OptionSpec("name", "TEXT", "A name."), new OptionSpec("quiet", null, "A flag.")]);

    [Fact]
    public void Parses_values_inline_values_and_flags()
    {
        var args = ParsedArgs.Parse(["--count", "5", "--name=a=b", "--quiet"], Spec);

        Assert.Equal(5, args.Int("count", 0, 0, 10));
        Assert.Equal("a=b", args.String("name"));
        Assert.True(args.Has("quiet"));
        Assert.False(args.HelpRequested);
    }

    [Fact]
    public void Missing_options_fall_back_to_defaults()
    {
        var args = ParsedArgs.Parse([], Spec);

        Assert.Equal(7, args.Int("count", 7, 0, 10));
        Assert.Null(args.String("name"));
        Assert.False(args.Has("quiet"));
    }

    [Theory]
    [InlineData("--colour", "red")]           // unknown option
    [InlineData("--count")]                   // value missing at the end
    [InlineData("--count", "--quiet")]        // value missing before the next option
    [InlineData("--count", "1", "--count", "2")] // repeated
    [InlineData("stray")]                     // positional word
    [InlineData("--quiet=yes")]               // flag with a value
    [InlineData("--")]                        // empty option name
    public void Malformed_arguments_are_usage_errors(params string[] args) =>
        Assert.Throws<UsageException>(() => ParsedArgs.Parse(args, Spec));

    [Theory]
    [InlineData("abc")]
    [InlineData("11")]
    [InlineData("-1")]
    [InlineData("1.5")]
    public void Out_of_range_numbers_are_usage_errors(string value)
    {
        var args = ParsedArgs.Parse(["--count", value], Spec);

        Assert.Throws<UsageException>(() => args.Int("count", 0, 0, 10));
    }

    [Fact]
    public void Help_is_recognised_anywhere()
    {
        Assert.True(ParsedArgs.Parse(["--count", "1", "--help"], Spec).HelpRequested);
        Assert.True(ParsedArgs.Parse(["-h"], Spec).HelpRequested);
    }

    [Fact]
    public void Import_needs_exactly_one_source_and_a_gateway_unless_dry_run()
    {
        var spec = new ImportCommand().Spec;

        Assert.Throws<UsageException>(() => ImportOptions.From(ParsedArgs.Parse(["--gateway", "http://x"], spec)));
        Assert.Throws<UsageException>(() => ImportOptions.From(ParsedArgs.Parse(["--gateway", "http://x", "--tsv", "a", "--online-retail", "b"], spec)));
        Assert.Throws<UsageException>(() => ImportOptions.From(ParsedArgs.Parse(["--tsv", "a"], spec)));
        Assert.Throws<UsageException>(() => ImportOptions.From(ParsedArgs.Parse(["--gateway", "ftp://x", "--tsv", "a"], spec)));
        Assert.Throws<UsageException>(() => ImportOptions.From(ParsedArgs.Parse(["--gateway", "http://x", "--tsv", "a", "--batch-size", "1001"], spec)));
        Assert.Throws<UsageException>(() => ImportOptions.From(ParsedArgs.Parse(["--gateway", "http://x", "--tsv", "a", "--limit", "0"], spec)));

        var dryRun = ImportOptions.From(ParsedArgs.Parse(["--tsv", "a", "--dry-run", "--limit", "10"], spec));
        Assert.Equal((ImportSource.Tsv, "a", 10L, true, (Uri?)null), (dryRun.Source, dryRun.Path, dryRun.Limit, dryRun.DryRun, dryRun.Gateway));

        var full = ImportOptions.From(ParsedArgs.Parse(["--gateway", "http://x:5080", "--online-retail", "f.csv.gz", "--storefront-key", "s"], spec));
        Assert.Equal((ImportSource.OnlineRetail, 1000, 4, "s", "catalog-dev-key"), (full.Source, full.BatchSize, full.Concurrency, full.Keys.Storefront, full.Keys.Catalog));
    }

    [Theory]
    [InlineData]
    [InlineData("nonsense")]
    [InlineData("demo")]
    [InlineData("demo", "--gateway", "http://localhost:1", "--users", "many")]
    [InlineData("demo", "--gateway", "localhost:5080")]
    [InlineData("demo", "--gateway", "http://localhost:1", "--items", "5", "--categories", "6")]
    [InlineData("synth")]
    [InlineData("synth", "--out", "x", "--zipf", "-1")]
    [InlineData("import", "--gateway", "http://localhost:1")]
    [InlineData("import", "--tsv", "a.tsv")]
    public async Task Bad_arguments_exit_with_2(params string[] args) =>
        Assert.Equal(ExitCodes.BadArguments, await Run(args));

    [Theory]
    [InlineData("--help")]
    [InlineData("demo", "--help")]
    [InlineData("synth", "--help")]
    [InlineData("import", "--help")]
    public async Task Help_exits_with_0(params string[] args) =>
        Assert.Equal(ExitCodes.Success, await Run(args));

    [Fact]
    public async Task A_missing_input_file_is_a_failure_not_a_usage_error() =>
        Assert.Equal(ExitCodes.Failure, await Run("import", "--tsv", Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".tsv"), "--dry-run"));

    private static Task<int> Run(params string[] args) =>
        ToolsApp.RunAsync(args, new ToolsEnvironment(new StringWriter(), new StringWriter()), CancellationToken.None);
}
