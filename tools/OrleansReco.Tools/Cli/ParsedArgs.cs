using System.Globalization;

namespace OrleansReco.Tools.Cli;

/// <summary>
/// Arguments of one subcommand: <c>--name value</c>, <c>--name=value</c> or a bare <c>--flag</c>. Unknown options,
/// repeated options, positional words and missing values are <see cref="UsageException"/>s, so a typo never
/// silently falls back to a default.
/// </summary>
public sealed class ParsedArgs
{
    private readonly Dictionary<string, string?> _values;

    private ParsedArgs(Dictionary<string, string?> values, bool helpRequested)
    {
        _values = values;
        HelpRequested = helpRequested;
    }

    public bool HelpRequested { get; }

    public static ParsedArgs Parse(IReadOnlyList<string> args, CommandSpec spec)
    {
        var known = spec.Options.ToDictionary(o => o.Name, StringComparer.Ordinal);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        var help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h" or "-?")
            {
                help = true;
                continue;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new UsageException($"Unexpected argument '{arg}'. Options start with '--'.");
            }

            var name = arg[2..];
            string? inline = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                inline = name[(eq + 1)..];
                name = name[..eq];
            }

            if (!known.TryGetValue(name, out var option))
            {
                throw new UsageException($"Unknown option '--{name}' for '{spec.Name}'.");
            }

            if (values.ContainsKey(name))
            {
                throw new UsageException($"Option '--{name}' is given more than once.");
            }

            if (option.IsFlag)
            {
                if (inline is not null)
                {
                    throw new UsageException($"Option '--{name}' is a flag and takes no value.");
                }

                values[name] = null;
                continue;
            }

            if (inline is null)
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new UsageException($"Option '--{name}' needs a value ({option.ValueName}).");
                }

                inline = args[++i];
            }

            values[name] = inline;
        }

        return new ParsedArgs(values, help);
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public string? String(string name) => _values.TryGetValue(name, out var v) ? v : null;

    public string RequiredString(string name) =>
        String(name) is { Length: > 0 } value ? value : throw new UsageException($"Option '--{name}' is required.");

    public int Int(string name, int fallback, int min, int max)
    {
        if (String(name) is not { } text)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"Option '--{name}' must be a whole number from {min} to {max}, not '{text}'.");
        }

        return value;
    }

    public long? OptionalLong(string name, long min)
    {
        if (String(name) is not { } text)
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min)
        {
            throw new UsageException($"Option '--{name}' must be a whole number of at least {min}, not '{text}'.");
        }

        return value;
    }

    public double Double(string name, double fallback, double min, double max)
    {
        if (String(name) is not { } text)
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value >= min && value <= max))
        {
            throw new UsageException($"Option '--{name}' must be a number from {min} to {max}, not '{text}'.");
        }

        return value;
    }

    /// <summary>An absolute http(s) URL; the gateway's base address.</summary>
    public Uri? Url(string name)
    {
        if (String(name) is not { } text)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"Option '--{name}' must be an absolute http or https URL, not '{text}'.");
        }

        return uri;
    }
}
