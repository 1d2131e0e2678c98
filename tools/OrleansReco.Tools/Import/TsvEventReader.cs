using System.Globalization;
using OrleansReco.Tools.Synthetic;

namespace OrleansReco.Tools.Import;

/// <summary>
/// Streams <c>user item rating timestamp</c> lines (separated by tabs, spaces, commas or "::", so MovieLens files
/// read as they come; plain or gzip'd; blank lines, lines starting with '#' and a header line ignored). The rating says how strong the signal was: 4 and above is a purchase, 3 a cart,
/// anything lower a view. The timestamp is unix seconds (a fraction is allowed). Bad lines are counted and skipped.
/// </summary>
public sealed class TsvEventReader
{
    private static readonly string[] Separators = ["::", "\t", " ", ","];

    public long LinesRead { get; private set; }

    public long EventsRead { get; private set; }

    public long Malformed { get; private set; }

    /// <summary>1-based line number of the first malformed line, to point the user at it.</summary>
    public long? FirstMalformedLine { get; private set; }

    public IEnumerable<StorefrontEvent> ReadFile(string path) => Read(InputFiles.ReadLines(path));

    public IEnumerable<StorefrontEvent> Read(IEnumerable<string> lines)
    {
        long lineNumber = 0;
        var first = true;
        foreach (var line in lines)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#'))
            {
                continue;
            }
            if (first && IsHeader(line))
            {
                first = false;
                continue;
            }
            first = false;

            LinesRead++;
            if (ParseLine(line) is { } ev)
            {
                EventsRead++;
                yield return ev;
            }
            else
            {
                Malformed++;
                FirstMalformedLine ??= lineNumber;
            }
        }
    }

    public static StorefrontEventType TypeOfRating(double rating) => rating switch
    {
        >= 4 => StorefrontEventType.Purchase,
        >= 3 => StorefrontEventType.Cart,
        _ => StorefrontEventType.View,
    };

    /// <summary>The rating <c>synth</c> writes for an event type; reading it back gives the same type.</summary>
    public static int RatingOfType(StorefrontEventType type) => type switch
    {
        StorefrontEventType.Purchase => 5,
        StorefrontEventType.Cart => 3,
        _ => 1,
    };

    /// <summary>A first line such as <c>userId,movieId,rating,timestamp</c>: four fields, the last two not numbers.</summary>
    private static bool IsHeader(string line)
    {
        var parts = line.Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length == 4
            && !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            && !double.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out _);
    }

    public static StorefrontEvent? ParseLine(string line)
    {
        var parts = line.Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 4 || !Ids.IsValid(parts[0]) || !Ids.IsValid(parts[1]))
        {
            return null;
        }

        if (!double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var rating) || !double.IsFinite(rating))
        {
            return null;
        }

        if (!double.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            || !double.IsFinite(seconds)
            || seconds < 0
            || seconds >= DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return null;
        }

        var timestamp = DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        return new StorefrontEvent(parts[0], parts[1], TypeOfRating(rating), timestamp);
    }
}
