using System.Buffers;
using System.Text;

namespace OrleansReco.Grains.Interfaces;

/// <summary>
/// A map of string keys to counts as one byte array: the number of entries, then per entry the key's UTF-8 length,
/// the key and the count, each number a little-endian base-128 varint (counts zigzag-encoded). Orleans' generic
/// codec writes each key as a string it tracks for references (and an object per entry, for a list of records):
/// an item's co-occurrence row has up to thousands of keys and is written with every change, and every change an
/// item receives carries a delta per co-item; in that encoding, the row was a fifth of the CPU of a replay and the
/// deltas' reference tracking a fifth of what it allocated.
/// </summary>
public static class CountMapPacking
{
    public static byte[] Pack(IReadOnlyDictionary<string, int> map)
    {
        var bound = Varint.MaxBytes32;
        foreach (var key in map.Keys)
        {
            bound += 2 * Varint.MaxBytes32 + Encoding.UTF8.GetMaxByteCount(key.Length);
        }
        var buffer = ArrayPool<byte>.Shared.Rent(bound);
        try
        {
            var at = Varint.Write(buffer, 0, (uint)map.Count);
            foreach (var (key, count) in map)
            {
                // The key's length is written once its bytes are known: reserve the widest varint, then close the gap.
                var keyStart = at + Varint.MaxBytes32;
                var keyBytes = Encoding.UTF8.GetBytes(key, buffer.AsSpan(keyStart));
                var lengthEnd = Varint.Write(buffer, at, (uint)keyBytes);
                buffer.AsSpan(keyStart, keyBytes).CopyTo(buffer.AsSpan(lengthEnd));
                at = Varint.Write(buffer, lengthEnd + keyBytes, Varint.ZigZag(count));
            }
            return buffer.AsSpan(0, at).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static Dictionary<string, int> Unpack(byte[] packed)
    {
        var map = new Dictionary<string, int>(EntryCount(packed), StringComparer.Ordinal);
        foreach (var (key, count) in Read(packed))
        {
            map.Add(key, count);
        }
        return map;
    }

    /// <summary>The entries in the order they were packed, decoded one at a time (no map is built); keys are <see cref="PooledIds"/>.</summary>
    public static IEnumerable<KeyValuePair<string, int>> Read(byte[] packed)
    {
        var at = 0;
        var entries = (int)Varint.ReadUInt32(packed, ref at);
        for (var i = 0; i < entries; i++)
        {
            var length = (int)Varint.ReadUInt32(packed, ref at);
            var key = PooledIds.Decode(packed.AsSpan(at, length));
            at += length;
            yield return KeyValuePair.Create(key, Varint.UnZigZag(Varint.ReadUInt32(packed, ref at)));
        }
        if (at != packed.Length)
        {
            throw new InvalidDataException($"A packed count map has {packed.Length - at} bytes after its {entries} entries.");
        }
    }

    public static int EntryCount(byte[] packed)
    {
        var at = 0;
        return (int)Varint.ReadUInt32(packed, ref at);
    }
}
