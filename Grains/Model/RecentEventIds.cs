using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace OrleansReco.Grains.Model;

/// <summary>
/// The ids of a shopper's recently recorded events, so that a storefront that retries a batch whose answer it never
/// saw (a timeout, a dropped connection) does not count its events twice. Bounded in time and number: an id is
/// remembered for <see cref="Window"/> after it was recorded (by the recorder's clock, not the event's time, which
/// may be old), and at most the newest <see cref="Capacity"/> ids, one full batch, are kept.
/// An id is kept as a 64-bit hash with the minute it was recorded: 12 bytes whatever its length. With 1,000 ids
/// held, a new id falsely matches one with probability about 5 x 10^-17.
/// In memory too an id takes those 12 bytes, in two arrays used together as a ring, oldest first from a moving start:
/// a queue of tuples and a hash set of the same hashes took over five times that, for every resident shopper. A
/// lookup scans the hashes, a thousand at most, compared a vector at a time.
/// </summary>
public sealed class RecentEventIds
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);
    public const int Capacity = 1000;
    private const int EntryBytes = 12;

    private ulong[] _hashes = [];
    private uint[] _minutes = [];
    private int _oldest;
    private int _count;

    public int Count => _count;

    /// <summary>From <see cref="Pack"/>'s bytes (null: none).</summary>
    public static RecentEventIds Restore(byte[]? packed)
    {
        var ids = new RecentEventIds();
        if (packed is null)
        {
            return ids;
        }
        if (packed.Length % EntryBytes != 0)
        {
            throw new InvalidDataException($"Packed event ids are {EntryBytes}-byte entries; got {packed.Length} bytes.");
        }
        var count = packed.Length / EntryBytes;
        var hashes = new ulong[count];
        var minutes = new uint[count];
        for (var i = 0; i < count; i++)
        {
            hashes[i] = BinaryPrimitives.ReadUInt64LittleEndian(packed.AsSpan(i * EntryBytes));
            minutes[i] = BinaryPrimitives.ReadUInt32LittleEndian(packed.AsSpan(i * EntryBytes + 8));
        }
        if (!HasRepeats(hashes))
        {
            ids._hashes = hashes;
            ids._minutes = minutes;
            ids._count = count;
            return ids;
        }
        // Pack never writes a hash twice; bytes that do are read as a set would take them: the first one counts.
        for (var i = 0; i < count; i++)
        {
            if (!ids.Contains(hashes[i]))
            {
                ids.Append(hashes[i], minutes[i]);
            }
        }
        return ids;
    }

    /// <summary>Whether the id was remembered within the window before <paramref name="now"/>.</summary>
    public bool Holds(string eventId, DateTimeOffset now)
    {
        ForgetBefore(MinuteOf(now - Window));
        return Contains(HashOf(eventId));
    }

    /// <summary>
    /// True, and remembered from <paramref name="now"/> on, when the id was not recorded within the window;
    /// false for a repeat.
    /// </summary>
    public bool TryRemember(string eventId, DateTimeOffset now)
    {
        ForgetBefore(MinuteOf(now - Window));
        var hash = HashOf(eventId);
        if (Contains(hash))
        {
            return false;
        }
        // Never more than the capacity after an addition; restored bytes holding more shrink by one per addition.
        if (_count >= Capacity)
        {
            DropOldest();
        }
        Append(hash, MinuteOf(now));
        return true;
    }

    public void Clear()
    {
        _hashes = [];
        _minutes = [];
        _oldest = 0;
        _count = 0;
    }

    /// <summary>Oldest first, 12 bytes per id (hash, minute; little-endian); null when none is held.</summary>
    public byte[]? Pack()
    {
        if (_count == 0)
        {
            return null;
        }
        var packed = new byte[_count * EntryBytes];
        for (var i = 0; i < _count; i++)
        {
            var at = (_oldest + i) % _hashes.Length;
            BinaryPrimitives.WriteUInt64LittleEndian(packed.AsSpan(i * EntryBytes), _hashes[at]);
            BinaryPrimitives.WriteUInt32LittleEndian(packed.AsSpan(i * EntryBytes + 8), _minutes[at]);
        }
        return packed;
    }

    /// <summary>Stable across processes and versions (it is stored), unlike string.GetHashCode.</summary>
    internal static ulong HashOf(string eventId)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(eventId), digest);
        return BinaryPrimitives.ReadUInt64LittleEndian(digest);
    }

    /// <summary>Sorted, so that restoring a thousand ids does not compare each with every other.</summary>
    private static bool HasRepeats(ReadOnlySpan<ulong> hashes)
    {
        var rented = ArrayPool<ulong>.Shared.Rent(hashes.Length);
        try
        {
            var sorted = rented.AsSpan(0, hashes.Length);
            hashes.CopyTo(sorted);
            sorted.Sort();
            for (var i = 1; i < sorted.Length; i++)
            {
                if (sorted[i] == sorted[i - 1])
                {
                    return true;
                }
            }
            return false;
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(rented);
        }
    }

    private bool Contains(ulong hash)
    {
        var end = _oldest + _count;
        return end <= _hashes.Length
            ? _hashes.AsSpan(_oldest, _count).Contains(hash)
            : _hashes.AsSpan(_oldest).Contains(hash) || _hashes.AsSpan(0, end - _hashes.Length).Contains(hash);
    }

    private void Append(ulong hash, uint minute)
    {
        if (_count == _hashes.Length)
        {
            Grow();
        }
        var at = (_oldest + _count) % _hashes.Length;
        _hashes[at] = hash;
        _minutes[at] = minute;
        _count++;
    }

    /// <summary>Doubles up to the capacity, the oldest id moving to the front.</summary>
    private void Grow()
    {
        var length = Math.Max(_count + 1, Math.Min(Math.Max(4, 2 * _count), Capacity));
        var hashes = new ulong[length];
        var minutes = new uint[length];
        for (var i = 0; i < _count; i++)
        {
            var at = (_oldest + i) % _hashes.Length;
            hashes[i] = _hashes[at];
            minutes[i] = _minutes[at];
        }
        _hashes = hashes;
        _minutes = minutes;
        _oldest = 0;
    }

    private void DropOldest()
    {
        _oldest = (_oldest + 1) % _hashes.Length;
        _count--;
    }

    private void ForgetBefore(uint minute)
    {
        while (_count > 0 && _minutes[_oldest] < minute)
        {
            DropOldest();
        }
    }

    private static uint MinuteOf(DateTimeOffset time) => (uint)Math.Max(0, time.ToUnixTimeSeconds() / 60);
}
