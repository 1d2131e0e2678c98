namespace OrleansReco.Testing;

/// <summary>
/// User and item ids the API accepts whose path encodings are easy to get wrong: slashes, dots, percent-escapes in
/// both forms, spaces, reserved characters, Unicode and the length limit. Every one must be reachable through
/// <see cref="Uri.EscapeDataString(string)"/> in a path, and no encoding of one may reach another.
/// </summary>
public static class HostileIds
{
    public static readonly IReadOnlyList<string> All =
    [
        "fx/u",
        "/lead/and/trail/",
        "fx%2Fu",
        "fx%252Fu",
        "fx%2fu",
        "%2E%2E",
        "...",
        ".hidden",
        "a/../b",
        "./x",
        "..%2F",
        "%",
        "100%",
        "%zz",
        "%C3%A9",
        " spaced id ",
        "a+b",
        "a?b=c#d",
        "a\\b",
        "a;b,c",
        "Zoë",
        "用户",
        "e\u0301",
        string.Concat(Enumerable.Repeat("🙂", 64)),
        string.Concat(Enumerable.Repeat("%/", 64)),
    ];

    /// <summary>The path segment a client following RFC 3986 sends for <paramref name="id"/>.</summary>
    public static string Encode(string id) => Uri.EscapeDataString(id);

    /// <summary>
    /// Other valid ids one encoding step away from <paramref name="id"/>: the id spelled as its own encoding, and the
    /// id decoded once more. A gateway that decodes twice or not at all reaches one of them instead.
    /// </summary>
    public static IReadOnlyList<string> Neighbours(string id) =>
        new[] { Uri.EscapeDataString(id), Uri.UnescapeDataString(id) }
            .Where(n => n != id && n.Length <= 128 && n is not ("." or "..") && n.Trim().Length > 0)
            .Distinct()
            .ToList();
}
