using OrleansReco.Tools.Cli;
using OrleansReco.Tools.Gateway;

namespace OrleansReco.ToolsTests;

/// <summary>Short waits so tests exercise the retry and readiness loops without slowing down.</summary>
internal static class TestEnvironment
{
    public static readonly RetryPolicy FastRetry = new(3, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5));

    public static ToolsEnvironment Create() => new(new StringWriter(), new StringWriter())
    {
        Retry = FastRetry,
        ReadyPollInterval = TimeSpan.FromMilliseconds(1),
    };
}
