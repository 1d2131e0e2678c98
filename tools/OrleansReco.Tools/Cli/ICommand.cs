namespace OrleansReco.Tools.Cli;

/// <summary>A subcommand: its spec (options and help) and how it runs. Returns the process exit code.</summary>
public interface ICommand
{
    CommandSpec Spec { get; }

    Task<int> RunAsync(ParsedArgs args, ToolsEnvironment environment, CancellationToken cancellationToken);
}
