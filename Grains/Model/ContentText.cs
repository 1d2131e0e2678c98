using System.Globalization;
using System.Text;

namespace OrleansReco.Grains.Model;

/// <summary>
/// The terms of an item's catalogue text: its title's words, its category and its tags. The category and each tag
/// are one term each (prefixed, so a tag "red" and the title word "red" count apart): they are the shop's own
/// grouping, worth more as a whole than split into words. Terms travel and are stored joined by single spaces
/// (<see cref="Join"/>), the form the index shards take them in.
/// </summary>
public static class ContentText
{
    /// <summary>Title words shorter than this are left out: single letters and digits say nothing of a product.</summary>
    private const int MinWordLength = 2;

    /// <summary>At most this many terms per item: a title is a few words; an essay-long one must not swell the index.</summary>
    public const int MaxTerms = 64;

    /// <summary>The item's terms in order, repeated as often as they occur (the counts are the term frequencies).</summary>
    public static List<string> Terms(string? title, string? category, IEnumerable<string>? tags)
    {
        var terms = new List<string>();
        if (title is not null)
        {
            terms.AddRange(Words(title));
        }
        if (Normalised(category) is { Length: > 0 } c)
        {
            terms.Add("c:" + c);
        }
        foreach (var tag in tags ?? [])
        {
            if (Normalised(tag) is { Length: > 0 } t) terms.Add("t:" + t);
        }
        return terms.Count > MaxTerms ? terms.GetRange(0, MaxTerms) : terms;
    }

    /// <summary>The joined form, or null when there are no terms (an item without text has no content).</summary>
    public static string? Join(IReadOnlyCollection<string> terms) => terms.Count == 0 ? null : string.Join(' ', terms);

    public static string[] Split(string? joined) =>
        string.IsNullOrEmpty(joined) ? [] : joined.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Lower-case runs of letters and digits (invariant culture, accents kept), at least two characters long.</summary>
    private static IEnumerable<string> Words(string text)
    {
        var word = new StringBuilder();
        foreach (var ch in text)
        {
            if (char.IsLetterOrDigit(ch))
            {
                word.Append(char.ToLowerInvariant(ch));
                continue;
            }
            if (word.Length >= MinWordLength) yield return word.ToString();
            word.Clear();
        }
        if (word.Length >= MinWordLength) yield return word.ToString();
    }

    /// <summary>A category or tag as one term: lower case, each run of inner white space as one '_' (terms are joined by spaces).</summary>
    private static string? Normalised(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        return string.Join('_', value.ToLower(CultureInfo.InvariantCulture).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }
}
