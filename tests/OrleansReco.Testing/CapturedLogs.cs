using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OrleansReco.Testing;

/// <summary>
/// A logging provider that keeps, per entry, everything a provider is handed: the category, the formatted message,
/// each structured value (what a structured exporter would send) and the exception's full text. Add it to a host's
/// services (<c>AddSingleton&lt;ILoggerProvider&gt;</c>) to see what that host's logs would show.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyCollection<string> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Capture(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Capture(string category, ConcurrentQueue<string> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" | ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)}\n  values: {values}\n  exception: {exception}");
        }
    }
}
