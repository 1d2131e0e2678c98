using System.Security.Cryptography;
using System.Text;
using Orleans.Runtime;

namespace OrleansReco.Grains.Storage;

/// <summary>
/// Turns service id, grain id and state name into Azure Table keys. Table keys may not hold
/// <c>/ \ # ?</c> or control characters and are limited to 1 KiB, so the parts are escaped.
/// The encoding is injective: distinct inputs give distinct keys, so two grains can never share a row.
/// </summary>
/// <remarks>
/// Escape character is <c>~</c> (URL-safe, unlike <c>%</c>): a forbidden character, <c>~</c> itself and the
/// part separator <c>|</c> become <c>~XXXX</c> (UTF-16 code unit in hex). Hence a bare <c>|</c> only ever
/// separates parts, and <c>~</c> followed by a non-hex character only ever marks the two special forms below.
/// Grain ids are bytes; bytes that are not valid UTF-8 are written as <c>~!</c> + hex so they stay distinct.
/// A key longer than the limit keeps a readable prefix and ends with <c>~~</c> + SHA-256 of the full key.
/// </remarks>
internal static class TableKeyEncoder
{
    /// <summary>
    /// 1 KiB, counted both as UTF-8 and UTF-16 bytes since the service documents the limit in bytes
    /// without naming an encoding: staying under both is safe whichever it means. (Azurite enforces 512
    /// characters, which the UTF-16 bound matches.)
    /// </summary>
    internal const int MaxKeyBytes = 1024;

    private const int ShortenedPrefixLength = 200;
    private const char Escape = '~';
    private const char Separator = '|';
    private const string HashMarker = "~~";
    private const string RawBytesMarker = "~!";
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string PartitionKey(string serviceId, GrainId grainId)
    {
        var builder = new StringBuilder();
        AppendEscaped(builder, serviceId);
        builder.Append(Separator);
        AppendBytes(builder, grainId.Type.AsSpan());
        builder.Append(Separator);
        AppendBytes(builder, grainId.Key.AsSpan());
        return Limit(builder.ToString());
    }

    /// <summary>
    /// The range holding every partition key of <paramref name="serviceId"/>, for queries over one service's rows:
    /// keys from <c>From</c> (the escaped id and its separator, which every such key starts with) up to, not
    /// including, <c>To</c>. A bare separator never occurs inside an escaped id, so no other service's keys fall in it.
    /// </summary>
    public static (string From, string To) ServiceRange(string serviceId)
    {
        var builder = new StringBuilder();
        AppendEscaped(builder, serviceId);
        // Shortened keys keep a prefix of up to 200 characters (one less before a surrogate pair): it must hold the id.
        if (builder.Length >= ShortenedPrefixLength - 1)
        {
            throw new ArgumentException(
                $"The service id is too long to list its rows: escaped, it must be shorter than {ShortenedPrefixLength - 1} characters.", nameof(serviceId));
        }

        var id = builder.ToString();
        return (id + Separator, id + (char)(Separator + 1));
    }

    public static string RowKey(string stateName)
    {
        var builder = new StringBuilder();
        AppendEscaped(builder, stateName);
        return Limit(builder.ToString());
    }

    internal static bool IsForbidden(char c) => c is '/' or '\\' or '#' or '?' || char.IsControl(c);

    private static bool MustEscape(char c) => IsForbidden(c) || c is Escape or Separator;

    private static void AppendEscaped(StringBuilder builder, string value)
    {
        foreach (var c in value)
        {
            if (MustEscape(c))
            {
                builder.Append(Escape).Append(((int)c).ToString("X4"));
            }
            else
            {
                builder.Append(c);
            }
        }
    }

    private static void AppendBytes(StringBuilder builder, ReadOnlySpan<byte> bytes)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            builder.Append(RawBytesMarker).Append(Convert.ToHexString(bytes)).Append(RawBytesMarker);
            return;
        }

        // A lone surrogate cannot come out of strict UTF-8 decoding, so the text is well-formed here.
        AppendEscaped(builder, text);
    }

    private static bool Fits(string key) =>
        key.Length * 2 <= MaxKeyBytes && Encoding.UTF8.GetByteCount(key) <= MaxKeyBytes;

    private static string Limit(string key)
    {
        if (Fits(key))
        {
            return key;
        }

        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        // Prefix of at most 200 characters: 200 * 3 UTF-8 bytes + 2 + 64 stays under 1 KiB in both encodings.
        var prefixLength = Math.Min(ShortenedPrefixLength, key.Length);
        if (char.IsHighSurrogate(key[prefixLength - 1]))
        {
            prefixLength--; // never split a surrogate pair
        }

        return string.Concat(key.AsSpan(0, prefixLength), HashMarker, hash);
    }
}
