using OrleansReco.Tools.Cli;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C stops the upload cleanly; the process then exits with 1.
    e.Cancel = true;
    cancellation.Cancel();
};

return await ToolsApp.RunAsync(args, new ToolsEnvironment(Console.Out, Console.Error), cancellation.Token);
