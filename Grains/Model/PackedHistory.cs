using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Grains.Model;

/// <summary>
/// A user's history as one byte array: what a user grain stores, and holds between calls instead of a
/// <see cref="UserHistory"/> (a dictionary of entry objects and id strings, several times the size).
/// <code>
/// version               1 byte, <see cref="FormatVersion"/>
/// entry count           varint
/// newest event          varint: zigzag(NewestEvent) + 1, wrapping, so long.MinValue (no event yet) is one byte
/// per entry:
///   item id length      varint, in bytes
///   item id             UTF-8
///   newest - LastSeen   varint, zigzag
///   LastSeen - FirstSeen varint, zigzag
///   Views, Carts, Purchases  varint each, of the value as unsigned 32 bits
///   MilliWeight         varint, of the value as unsigned 64 bits
///   Affinity            8 bytes, IEEE 754 little-endian (the exact bits)
/// </code>
/// Times are deltas because they cluster near the newest event: a few bytes each instead of eight. They are zigzag
/// and wrapping so that every value restores exactly, also one the code does not produce (a time after the newest
/// event, a first sighting after the last); counts and weights are never negative as recorded, and if one were it
/// would take the widest varint, still exact.
/// </summary>
public static class PackedHistory
{
    public const byte FormatVersion = 1;

    private const int MaxHeaderBytes = 1 + Varint.MaxBytes32 + Varint.MaxBytes64;
    private const int MaxEntryBytesBesideId = Varint.MaxBytes32 + 2 * Varint.MaxBytes64 + 3 * Varint.MaxBytes32 + Varint.MaxBytes64 + sizeof(double);

    /// <summary>The fewest bytes an entry takes (an empty id, every number one byte): bounds a count read from bytes.</summary>
    private const int MinEntryBytes = 1 + 2 + 3 + 1 + sizeof(double);

    public static byte[] Pack(IEnumerable<HistoryEntry> entries, long newestEvent)
    {
        var all = entries as IReadOnlyCollection<HistoryEntry> ?? entries.ToList();
        var bound = MaxHeaderBytes;
        foreach (var entry in all)
        {
            bound += MaxEntryBytesBesideId + Encoding.UTF8.GetMaxByteCount(entry.ItemId.Length);
        }
        var buffer = ArrayPool<byte>.Shared.Rent(bound);
        try
        {
            buffer[0] = FormatVersion;
            var at = Varint.Write(buffer, 1, (uint)all.Count);
            at = Varint.Write(buffer, at, unchecked(Varint.ZigZag(newestEvent) + 1));
            foreach (var entry in all)
            {
                at = Varint.Write(buffer, at, (uint)Encoding.UTF8.GetByteCount(entry.ItemId));
                at += Encoding.UTF8.GetBytes(entry.ItemId, buffer.AsSpan(at));
                at = Varint.Write(buffer, at, Varint.ZigZag(unchecked(newestEvent - entry.LastSeen)));
                at = Varint.Write(buffer, at, Varint.ZigZag(unchecked(entry.LastSeen - entry.FirstSeen)));
                at = Varint.Write(buffer, at, (uint)entry.Views);
                at = Varint.Write(buffer, at, (uint)entry.Carts);
                at = Varint.Write(buffer, at, (uint)entry.Purchases);
                at = Varint.Write(buffer, at, (ulong)entry.MilliWeight);
                BinaryPrimitives.WriteDoubleLittleEndian(buffer.AsSpan(at), entry.Affinity);
                at += sizeof(double);
            }
            return buffer.AsSpan(0, at).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static int EntryCount(byte[] packed)
    {
        ReadHeader(packed, out var count, out _);
        return count;
    }

    public static long NewestEvent(byte[] packed)
    {
        ReadHeader(packed, out _, out var newestEvent);
        return newestEvent;
    }

    /// <summary>The entries in the order they were packed, decoded one at a time (no map is built); ids are <see cref="PooledIds"/>.</summary>
    public static IEnumerable<HistoryEntry> Read(byte[] packed)
    {
        var at = ReadHeader(packed, out var count, out var newestEvent);
        for (var i = 0; i < count; i++)
        {
            yield return ReadEntry(packed, ref at, newestEvent);
        }
        EnsureEnd(packed, at, count);
    }

    /// <summary>Only the item ids, in the order they were packed: no entry is built.</summary>
    public static IEnumerable<string> ItemIds(byte[] packed)
    {
        var at = ReadHeader(packed, out var count, out _);
        for (var i = 0; i < count; i++)
        {
            yield return ReadItemId(packed, ref at);
            for (var number = 0; number < 6; number++)
            {
                Varint.ReadUInt64(packed, ref at);
            }
            at += sizeof(double);
        }
        EnsureEnd(packed, at, count);
    }

    private static int ReadHeader(ReadOnlySpan<byte> packed, out int count, out long newestEvent)
    {
        if (packed.Length == 0 || packed[0] != FormatVersion)
        {
            throw new InvalidDataException($"A packed history starts with format version {FormatVersion}; got {(packed.Length == 0 ? "no bytes" : packed[0])}.");
        }
        var at = 1;
        var entries = Varint.ReadUInt32(packed, ref at);
        newestEvent = Varint.UnZigZag(unchecked(Varint.ReadUInt64(packed, ref at) - 1));
        // Checked before anything is sized by it: damaged bytes must not ask for a huge dictionary.
        if (entries > (uint)((packed.Length - at) / MinEntryBytes))
        {
            throw new InvalidDataException($"A packed history of {packed.Length} bytes cannot hold {entries} entries.");
        }
        count = (int)entries;
        return at;
    }

    private static HistoryEntry ReadEntry(ReadOnlySpan<byte> packed, ref int at, long newestEvent)
    {
        var itemId = ReadItemId(packed, ref at);
        var lastSeen = unchecked(newestEvent - Varint.UnZigZag(Varint.ReadUInt64(packed, ref at)));
        var firstSeen = unchecked(lastSeen - Varint.UnZigZag(Varint.ReadUInt64(packed, ref at)));
        var entry = new HistoryEntry
        {
            ItemId = itemId,
            FirstSeen = firstSeen,
            LastSeen = lastSeen,
            Views = (int)Varint.ReadUInt32(packed, ref at),
            Carts = (int)Varint.ReadUInt32(packed, ref at),
            Purchases = (int)Varint.ReadUInt32(packed, ref at),
            MilliWeight = (long)Varint.ReadUInt64(packed, ref at),
            Affinity = BinaryPrimitives.ReadDoubleLittleEndian(packed[at..]),
        };
        at += sizeof(double);
        return entry;
    }

    private static string ReadItemId(ReadOnlySpan<byte> packed, ref int at)
    {
        var length = (int)Varint.ReadUInt32(packed, ref at);
        var itemId = PooledIds.Decode(packed.Slice(at, length));
        at += length;
        return itemId;
    }

    private static void EnsureEnd(byte[] packed, int at, int count)
    {
        if (at != packed.Length)
        {
            throw new InvalidDataException($"A packed history of {packed.Length} bytes has its {count} entries end at byte {at}.");
        }
    }
}
