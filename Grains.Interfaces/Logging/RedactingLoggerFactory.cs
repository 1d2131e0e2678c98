using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace OrleansReco.Grains.Interfaces.Logging;

/// <summary>
/// The host's logger factory with <see cref="GrainKeyRedaction"/> in front of it: one place every category passes
/// through, before the entry fans out to the providers (console, event source, any exporter added later).
/// </summary>
internal sealed class RedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    private readonly ConcurrentDictionary<string, RedactingLogger> _loggers = new(StringComparer.Ordinal);

    public ILogger CreateLogger(string categoryName) =>
        _loggers.GetOrAdd(categoryName, static (name, factory) => new RedactingLogger(factory.CreateLogger(name)), inner);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    // The container owns the wrapped factory and disposes it.
    public void Dispose()
    {
    }
}

/// <summary>
/// Passes an entry on unchanged unless its message, one of its values or its exception names a user grain; then it
/// passes on the redacted message, values and exception instead. Nothing is formatted for a level no provider writes.
/// </summary>
internal sealed class RedactingLogger(ILogger inner) : ILogger
{
    private const string OriginalFormat = "{OriginalFormat}";

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel))
        {
            return;
        }
        var message = formatter(state, exception);
        var redactedMessage = GrainKeyRedaction.Redact(message);
        var values = RedactedValues(state);
        var redactedException = exception is null ? null : RedactedException.Of(exception);
        if (ReferenceEquals(redactedMessage, message) && values is null && ReferenceEquals(redactedException, exception))
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
            return;
        }
        var entry = new RedactedEntry(redactedMessage, values ?? (state as IReadOnlyList<KeyValuePair<string, object?>>) ?? []);
        inner.Log(logLevel, eventId, entry, redactedException, static (e, _) => e.Message);
    }

    /// <summary>The structured values (what a structured provider exports), or null when none names a user grain.</summary>
    private static KeyValuePair<string, object?>[]? RedactedValues<TState>(TState state)
    {
        if (state is not IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            return null;
        }
        KeyValuePair<string, object?>[]? redacted = null;
        for (var i = 0; i < values.Count; i++)
        {
            var (name, value) = values[i];
            // The template names the placeholders, never their values.
            if (name == OriginalFormat || value is null)
            {
                continue;
            }
            var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            var redactedText = GrainKeyRedaction.Redact(text);
            if (ReferenceEquals(redactedText, text))
            {
                continue;
            }
            redacted ??= [.. values];
            redacted[i] = new(name, redactedText);
        }
        return redacted;
    }

    /// <summary>A log entry's state after redaction: structured providers read the values, text providers the message.</summary>
    private sealed class RedactedEntry(string message, IReadOnlyList<KeyValuePair<string, object?>> values)
        : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public string Message { get; } = message;

        public int Count => values.Count;

        public KeyValuePair<string, object?> this[int index] => values[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => values.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => Message;
    }
}

/// <summary>
/// Logged in place of an exception whose text names a user grain: an exception's message cannot be changed, so this
/// carries the redacted text of the whole chain (types, messages, inner exceptions, stack traces), which is what
/// providers write (<see cref="ToString"/>, which starts with the original's type); <see cref="Exception.Message"/> is the
/// original's, redacted.
/// </summary>
internal sealed class RedactedException : Exception
{
    private readonly string _text;

    private RedactedException(Exception original, string text)
        : base(GrainKeyRedaction.Redact(original.Message))
    {
        _text = text;
        HResult = original.HResult;
        Source = original.Source;
    }

    /// <summary>The exception itself when its text names no user grain, else a redacted stand-in.</summary>
    public static Exception Of(Exception exception)
    {
        var text = exception.ToString();
        var redacted = GrainKeyRedaction.Redact(text);
        return ReferenceEquals(redacted, text) ? exception : new RedactedException(exception, redacted);
    }

    public override string ToString() => _text;
}
