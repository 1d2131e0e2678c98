using OrleansReco.Tools.Gateway;

namespace OrleansReco.Tools.Cli;

/// <summary>
/// What a command runs against: output writers and the knobs tests turn (an in-process HTTP handler is not needed,
/// tests use a real server, but they shorten the waits between readiness polls and retries).
/// </summary>
public sealed record ToolsEnvironment(TextWriter Out, TextWriter Error)
{
    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;

    public TimeSpan ReadyPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public HttpClient CreateHttpClient() => new() { Timeout = TimeSpan.FromSeconds(100) };
}
