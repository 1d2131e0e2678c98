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
/// </summary>
public sealed class RecentEventIds
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);
    public const int Capacity = 1000;
    private const int EntryBytes = 12;

    private readonly Queue<(ulong Hash, uint Minute)> _oldestFirst = new();
    private readonly HashSet<ulong> _hashes = [];

    public int Count => _oldestFirst.Count;

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
        for (var offset = 0; offset < packed.Length; offset += EntryBytes)
        {
            var hash = BinaryPrimitives.ReadUInt64LittleEndian(packed.AsSpan(offset));
            var minute = BinaryPrimitives.ReadUInt32LittleEndian(packed.AsSpan(offset + 8));
            if (ids._hashes.Add(hash))
            {
                ids._oldestFirst.Enqueue((hash, minute));
            }
        }
        return ids;
    }

    /// <summary>Whether the id was remembered within the window before <paramref name="now"/>.</summary>
    public bool Holds(string eventId, DateTimeOffset now)
    {
        ForgetBefore(MinuteOf(now - Window));
        return _hashes.Contains(HashOf(eventId));
    }

    /// <summary>
    /// True, and remembered from <paramref name="now"/> on, when the id was not recorded within the window;
    /// false for a repeat.
    /// </summary>
    public bool TryRemember(string eventId, DateTimeOffset now)
    {
        ForgetBefore(MinuteOf(now - Window));
        var hash = HashOf(eventId);
        if (!_hashes.Add(hash))
        {
            return false;
        }
        _oldestFirst.Enqueue((hash, MinuteOf(now)));
        if (_oldestFirst.Count > Capacity)
        {
            _hashes.Remove(_oldestFirst.Dequeue().Hash);
        }
        return true;
    }

    public void Clear()
    {
        _oldestFirst.Clear();
        _hashes.Clear();
    }

    /// <summary>Oldest first, 12 bytes per id (hash, minute; little-endian); null when none is held.</summary>
    public byte[]? Pack()
    {
        if (_oldestFirst.Count == 0)
        {
            return null;
        }
        var packed = new byte[_oldestFirst.Count * EntryBytes];
        var offset = 0;
        foreach (var (hash, minute) in _oldestFirst)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(packed.AsSpan(offset), hash);
            BinaryPrimitives.WriteUInt32LittleEndian(packed.AsSpan(offset + 8), minute);
            offset += EntryBytes;
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

    private void ForgetBefore(uint minute)
    {
        while (_oldestFirst.TryPeek(out var oldest) && oldest.Minute < minute)
        {
            _hashes.Remove(_oldestFirst.Dequeue().Hash);
        }
    }

    private static uint MinuteOf(DateTimeOffset time) => (uint)Math.Max(0, time.ToUnixTimeSeconds() / 60);
}
