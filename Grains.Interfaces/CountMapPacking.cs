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
    private const int MaxVarintBytes = 5;

    public static byte[] Pack(IReadOnlyDictionary<string, int> map)
    {
        var bound = MaxVarintBytes;
        foreach (var key in map.Keys)
        {
            bound += 2 * MaxVarintBytes + Encoding.UTF8.GetMaxByteCount(key.Length);
        }
        var buffer = ArrayPool<byte>.Shared.Rent(bound);
        try
        {
            var at = WriteVarint(buffer, 0, (uint)map.Count);
            foreach (var (key, count) in map)
            {
                // The key's length is written once its bytes are known: reserve the widest varint, then close the gap.
                var keyStart = at + MaxVarintBytes;
                var keyBytes = Encoding.UTF8.GetBytes(key, buffer.AsSpan(keyStart));
                var lengthEnd = WriteVarint(buffer, at, (uint)keyBytes);
                buffer.AsSpan(keyStart, keyBytes).CopyTo(buffer.AsSpan(lengthEnd));
                at = WriteVarint(buffer, lengthEnd + keyBytes, ZigZag(count));
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
        var entries = (int)ReadVarint(packed, ref at);
        for (var i = 0; i < entries; i++)
        {
            var length = (int)ReadVarint(packed, ref at);
            var key = PooledIds.Decode(packed.AsSpan(at, length));
            at += length;
            yield return KeyValuePair.Create(key, UnZigZag(ReadVarint(packed, ref at)));
        }
        if (at != packed.Length)
        {
            throw new InvalidDataException($"A packed count map has {packed.Length - at} bytes after its {entries} entries.");
        }
    }

    public static int EntryCount(byte[] packed)
    {
        var at = 0;
        return (int)ReadVarint(packed, ref at);
    }

    private static uint ZigZag(int value) => (uint)((value << 1) ^ (value >> 31));

    private static int UnZigZag(uint value) => (int)(value >> 1) ^ -(int)(value & 1);

    private static int WriteVarint(byte[] buffer, int at, uint value)
    {
        while (value >= 0x80)
        {
            buffer[at++] = (byte)(value | 0x80);
            value >>= 7;
        }
        buffer[at++] = (byte)value;
        return at;
    }

    private static uint ReadVarint(byte[] packed, ref int at)
    {
        uint value = 0;
        for (var shift = 0; shift < 7 * MaxVarintBytes; shift += 7)
        {
            var b = packed[at++];
            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw new InvalidDataException("A packed count map holds a number longer than 5 bytes.");
    }
}
