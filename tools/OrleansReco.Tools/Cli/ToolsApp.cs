using OrleansReco.Tools.Commands;

namespace OrleansReco.Tools.Cli;

/// <summary>Entry point shared by Program and the tests: picks the subcommand, maps errors to exit codes.</summary>
public static class ToolsApp
{
    public static readonly IReadOnlyList<ICommand> Commands = [new DemoCommand(), new SynthCommand(), new ImportCommand(), new EvaluateCommand(), new ScoreCommand(), new PrivacyCostCommand()];

    public static async Task<int> RunAsync(IReadOnlyList<string> args, ToolsEnvironment environment, CancellationToken cancellationToken)
    {
        // Workers report progress from several threads.
        environment = environment with
        {
            Out = TextWriter.Synchronized(environment.Out),
            Error = TextWriter.Synchronized(environment.Error),
        };

        if (args.Count == 0 || args[0] is "--help" or "-h" or "-?" or "help")
        {
            (args.Count == 0 ? environment.Error : environment.Out).WriteLine(GeneralHelp());
            return args.Count == 0 ? ExitCodes.BadArguments : ExitCodes.Success;
        }

        var command = Commands.FirstOrDefault(c => c.Spec.Name == args[0]);
        if (command is null)
        {
            environment.Error.WriteLine($"error: unknown command '{args[0]}'.");
            environment.Error.WriteLine(GeneralHelp());
            return ExitCodes.BadArguments;
        }

        try
        {
            var parsed = ParsedArgs.Parse(args.Skip(1).ToList(), command.Spec);
            if (parsed.HelpRequested)
            {
                environment.Out.WriteLine(command.Spec.HelpText());
                return ExitCodes.Success;
            }

            return await command.RunAsync(parsed, environment, cancellationToken);
        }
        catch (UsageException ex)
        {
            environment.Error.WriteLine($"error: {ex.Message}");
            environment.Error.WriteLine($"Run 'orleansreco-tools {command.Spec.Name} --help' for the options.");
            return ExitCodes.BadArguments;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            environment.Error.WriteLine("Cancelled.");
            return ExitCodes.Failure;
        }
        catch (Exception ex) when (ex is Gateway.GatewayException or HttpRequestException or IOException
            or InvalidDataException or UnauthorizedAccessException or TaskCanceledException)
        {
            environment.Error.WriteLine($"error: {Describe(ex)}");
            return ExitCodes.Failure;
        }
    }

    // HttpRequestException says only "An error occurred while sending the request"; the cause is in the inner ones.
    private static string Describe(Exception ex)
    {
        var messages = new List<string>();
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (!messages.Contains(e.Message))
            {
                messages.Add(e.Message);
            }
        }

        return string.Join(" ", messages);
    }

    public static string GeneralHelp()
    {
        var width = Commands.Max(c => c.Spec.Name.Length);
        var lines = new List<string>
        {
            "orleansreco-tools: demo data, synthetic data and dataset import for an OrleansReco gateway.",
            string.Empty,
            "Usage: orleansreco-tools <command> [options]",
            string.Empty,
            "Commands:",
        };
        lines.AddRange(Commands.Select(c => $"  {c.Spec.Name.PadRight(width)}  {c.Spec.Summary}"));
        lines.Add(string.Empty);
        lines.Add("Run 'orleansreco-tools <command> --help' for a command's options.");
        lines.Add("Exit codes: 0 success, 1 failure, 2 bad arguments.");
        return string.Join(Environment.NewLine, lines);
    }
}
