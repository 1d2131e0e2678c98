using System.Collections.Concurrent;
using System.Text;

namespace OrleansReco.Grains.Interfaces;

/// <summary>
/// One string per distinct id in the process, for ids decoded from packed maps. Every item's co-occurrence row holds
/// the ids of its co-items: decoded one string each, a silo held the same id once per row that names it (millions of
/// strings for a few thousand items), allocated one more per delta received, and compared each lookup's key with the
/// row's copy character by character, a cache miss on a row of thousands. Pooled, a row's keys are the pool's
/// strings, a delta's key is the same instance (the comparison stops at the reference), and decoding allocates
/// nothing for an id seen before. Bounded: past <see cref="MaxPooled"/> distinct ids, new ones are decoded unpooled.
/// </summary>
public static class PooledIds
{
    public const int MaxPooled = 1 << 20;

    /// <summary>Ids are at most a few hundred bytes (the gateway takes 128 characters); longer ones are decoded on the heap.</summary>
    private const int MaxStackChars = 512;

    private static readonly ConcurrentDictionary<string, string> Pool = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> PoolByChars =
        Pool.GetAlternateLookup<ReadOnlySpan<char>>();
    private static int _pooled;

    public static string Decode(ReadOnlySpan<byte> utf8)
    {
        var chars = utf8.Length <= MaxStackChars ? stackalloc char[utf8.Length] : new char[utf8.Length];
        var id = chars[..Encoding.UTF8.GetChars(utf8, chars)];
        if (PoolByChars.TryGetValue(id, out var pooled))
        {
            return pooled;
        }
        var decoded = new string(id);
        if (Volatile.Read(ref _pooled) >= MaxPooled)
        {
            return decoded;
        }
        var added = Pool.GetOrAdd(decoded, decoded);
        if (ReferenceEquals(added, decoded))
        {
            Interlocked.Increment(ref _pooled);
        }
        return added;
    }
}
