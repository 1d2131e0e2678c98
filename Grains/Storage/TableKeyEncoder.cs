using System.Globalization;
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

    /// <summary>Room beside a shortened part (at most 266 characters, 666 UTF-8 bytes) that keeps the whole key within 1 KiB.</summary>
    private const int MaxReservedBytes = 160;
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

    /// <summary>
    /// The key of <paramref name="grainId"/> escaped so that Orleans' Azure Table grain storage, which builds the
    /// partition key <c>{serviceId}_{type}/{key}</c> and maps <c>/ \ # ?</c> to <c>_</c>, stores every grain under a
    /// row of its own: the result holds none of those nor a control character, is injective, and leaves room for the
    /// service id and type within the 1 KiB key limit. Keys that need no escaping (pseudonyms, most item ids) stay as
    /// they are.
    /// </summary>
    public static string GrainKey(string serviceId, GrainId grainId)
    {
        var prefix = $"{serviceId}_{grainId.Type}/";
        var reservedBytes = Encoding.UTF8.GetByteCount(prefix);
        if (reservedBytes > MaxReservedBytes)
        {
            throw new ArgumentException(
                $"Service id and grain type are too long for a table key: together they must stay within {MaxReservedBytes - 2} UTF-8 bytes.", nameof(serviceId));
        }

        var builder = new StringBuilder();
        AppendBytes(builder, grainId.Key.AsSpan());
        return Limit(builder.ToString(), prefix.Length, reservedBytes);
    }

    public static string RowKey(string stateName)
    {
        var builder = new StringBuilder();
        AppendEscaped(builder, stateName);
        return Limit(builder.ToString());
    }

    /// <summary>
    /// The partition of aggregate rows in bucket <paramref name="bucket"/> of a service: escaped service id, separator,
    /// the bucket in four digits (fixed width, so partition keys of one service sort by bucket).
    /// </summary>
    public static string AggregatePartitionKey(string serviceId, int bucket)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bucket);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bucket, 9999);
        var builder = new StringBuilder();
        AppendEscaped(builder, serviceId);
        builder.Append(Separator).Append(bucket.ToString("D4", CultureInfo.InvariantCulture));
        return Limit(builder.ToString());
    }

    /// <summary>
    /// What every row key of one aggregate owner starts with: escaped kind, separator, escaped key, separator. A row key
    /// is this plus a row name of at most <paramref name="maxNameLength"/> characters that holds no <c>|</c>.
    /// </summary>
    /// <remarks>
    /// Kind and key hold no bare separator, so exactly two separators precede the name: no owner's prefix is a prefix
    /// of another's (<c>a</c> and <c>ab</c> included), and the owner's rows are exactly the keys from the prefix up to
    /// <see cref="PrefixEnd"/>. A key too long for the row key to fit (with the longest name) keeps a readable prefix
    /// and ends with <c>~~</c> + SHA-256 of the escaped key, as long keys do elsewhere; such a part never contains a
    /// separator either, and an unshortened part never contains <c>~~</c>, so the two forms cannot meet.
    /// </remarks>
    public static string OwnerRowPrefix(string kind, string key, int maxNameLength)
    {
        var builder = new StringBuilder();
        AppendEscaped(builder, kind);
        var kindPart = builder.ToString();
        // Names are ASCII, so a name's length is its size in both encodings.
        var reservedChars = kindPart.Length + 2 + maxNameLength;
        var reservedBytes = Encoding.UTF8.GetByteCount(kindPart) + 2 + maxNameLength;
        // Bounds the room the key part must leave, so that a shortened key always fits beside it. (UTF-8 bytes are at
        // least as many as UTF-16 code units, so the byte bound covers both.)
        if (reservedBytes > MaxReservedBytes)
        {
            throw new ArgumentException(
                $"Kind and row names are too long for a row key: escaped kind and longest name must stay within {MaxReservedBytes - 2} UTF-8 bytes.", nameof(kind));
        }

        builder.Clear();
        AppendEscaped(builder, key);
        var keyPart = Limit(builder.ToString(), reservedChars, reservedBytes);
        return $"{kindPart}{Separator}{keyPart}{Separator}";
    }

    /// <summary>The first key after every key that starts with <paramref name="ownerRowPrefix"/> (which ends with the separator).</summary>
    public static string PrefixEnd(string ownerRowPrefix) => ownerRowPrefix[..^1] + (char)(Separator + 1);

    internal static bool IsForbidden(char c) => c is '/' or '\\' or '#' or '?' || char.IsControl(c);

    private static bool MustEscape(char c) => IsForbidden(c) || c is Escape or Separator;

    private static void AppendEscaped(StringBuilder builder, string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[++i]);
            }
            else if (MustEscape(c) || char.IsSurrogate(c))
            {
                // A lone surrogate would reach the service as U+FFFD, merging distinct keys: escaped, it stays distinct.
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

    /// <summary>Whether <paramref name="key"/> fits beside other parts of the same key taking the reserved room.</summary>
    private static bool Fits(string key, int reservedChars, int reservedBytes) =>
        (key.Length + reservedChars) * 2 <= MaxKeyBytes && Encoding.UTF8.GetByteCount(key) + reservedBytes <= MaxKeyBytes;

    private static string Limit(string key, int reservedChars = 0, int reservedBytes = 0)
    {
        if (Fits(key, reservedChars, reservedBytes))
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
