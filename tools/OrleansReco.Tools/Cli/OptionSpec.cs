namespace OrleansReco.Tools.Cli;

/// <summary>One option a command accepts. <see cref="ValueName"/> null means a flag without a value.</summary>
public sealed record OptionSpec(string Name, string? ValueName, string Description)
{
    public bool IsFlag => ValueName is null;
}

/// <summary>A subcommand's name, summary and options: drives both parsing and the --help text.</summary>
public sealed record CommandSpec(string Name, string Summary, string Usage, IReadOnlyList<OptionSpec> Options)
{
    public string HelpText()
    {
        var width = Options.Count == 0 ? 0 : Options.Max(o => Label(o).Length);
        var lines = new List<string> { Summary, string.Empty, "Usage: orleansreco-tools " + Usage, string.Empty, "Options:" };
        lines.AddRange(Options.Select(o => $"  {Label(o).PadRight(width)}  {o.Description}"));
        lines.Add($"  {"--help".PadRight(width)}  Show this help.");
        return string.Join(Environment.NewLine, lines);
    }

    private static string Label(OptionSpec o) => o.IsFlag ? "--" + o.Name : $"--{o.Name} {o.ValueName}";
}
