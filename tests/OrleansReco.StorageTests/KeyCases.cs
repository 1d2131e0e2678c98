using System.Text;
using Orleans.Runtime;

namespace OrleansReco.StorageTests;

/// <summary>Grain ids chosen to break naive table key sanitising.</summary>
internal static class KeyCases
{
    /// <summary>Usable as state names; grain keys additionally exclude empty and all-whitespace strings.</summary>
    public static IReadOnlyList<string> Keys { get; } = BuildKeys();

    /// <summary>The cases Orleans accepts as grain keys (it rejects empty and all-whitespace keys).</summary>
    public static IReadOnlyList<string> GrainKeys { get; } = Keys.Where(k => !string.IsNullOrWhiteSpace(k)).ToList();

    /// <summary>Ids whose keys are not valid UTF-8: a naive decode maps them all to U+FFFD.</summary>
    public static IReadOnlyList<GrainId> RawByteIds { get; } =
    [
        GrainId.Create(GrainType.Create("testgrain"), new IdSpan([0xFF])),
        GrainId.Create(GrainType.Create("testgrain"), new IdSpan([0xFE])),
        GrainId.Create(GrainType.Create("testgrain"), new IdSpan([0xC3])),
        GrainId.Create(GrainType.Create("testgrain"), new IdSpan([0xFF, 0xFF])),
        GrainId.Create(GrainType.Create("testgrain"), new IdSpan(Encoding.UTF8.GetBytes("\uFFFD"))),
    ];

    private static List<string> BuildKeys()
    {
        var longA = new string('a', 5000);
        var keys = new List<string>
        {
            "plain",
            "a/b", "a_b", "a\\b", "a#b", "a?b", "a|b", "a~b", "a%b", "a'b", "a\"b", "a b", "a+b", "a&b", "a=b",
            "a\u0000b", "a\u0001b", "a\tb", "a\nb", "a\u007Fb", "a\u0085b", "a\u009Fb",
            // Strings that look like the escaped form of others.
            "a~002Fb", "a~007Cb", "~~", "~!FF~!", "a~!b",
            "\u00FC" /* precomposed ü */, "u\u0308" /* u + combining diaeresis */, "日本語", "🎉",
            "", " ", "..", ".",
            longA, longA + "b", longA + "c", "b" + longA,
            new string('/', 3000), new string('#', 3001), new string('日', 1000), string.Concat(Enumerable.Repeat("🎉", 600)),
        };
        return keys;
    }
}
