using System.Buffers.Binary;
using FsCheck.Xunit;
using OrleansReco.Grains.Model;
using Xunit;

namespace OrleansReco.UnitTests;

/// <summary>
/// The compact ring must remember exactly what a queue and a set of hashes remembered (the model below is that
/// implementation), and read and write the same stored bytes.
/// </summary>
public sealed class RecentEventIdsProperties
{
    private static readonly DateTimeOffset Start = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Random lookups and additions from a pool larger than the capacity, with a clock that mostly moves forward, at a
    /// pace of its own in each run, and sometimes back: the ring fills (slow clocks) or expires from the front while
    /// it is added to (fast ones), so it wraps, grows while wrapped and drops past the capacity.
    /// </summary>
    [Property(MaxTest = 60)]
    public bool The_ring_behaves_as_a_queue_and_a_set(int seed)
    {
        var random = new Random(seed);
        var ids = new RecentEventIds();
        var model = new Model();
        var now = Start;
        var pace = 1 + random.Next(60);
        for (var step = random.Next(3_000); step > 0; step--)
        {
            now = now.AddMinutes(random.Next(10) == 0 ? -random.Next(30) : random.Next(pace));
            var id = $"e-{random.Next(1_500)}";
            if (random.Next(4) == 0)
            {
                if (ids.Holds(id, now) != model.Holds(id, now)) return false;
            }
            else if (ids.TryRemember(id, now) != model.TryRemember(id, now))
            {
                return false;
            }
            if (random.Next(200) == 0)
            {
                // As a grain does between calls: held packed, restored for the next.
                ids = RecentEventIds.Restore(ids.Pack());
            }
            if (ids.Count != model.Count) return false;
        }
        return (ids.Pack() ?? []).SequenceEqual(model.Pack());
    }

    [Fact]
    public void Bytes_written_before_the_ring_are_read_and_written_back_unchanged()
    {
        // Two ids as the queue-and-set version packed them: SHA-256 prefixes of "order-1" and "order-2", minutes.
        var minute = (uint)(Start.ToUnixTimeSeconds() / 60);
        var stored = Entry(RecentEventIds.HashOf("order-1"), minute).Concat(Entry(RecentEventIds.HashOf("order-2"), minute + 5)).ToArray();

        var ids = RecentEventIds.Restore(stored);

        Assert.Equal(stored, ids.Pack());
        Assert.False(ids.TryRemember("order-2", Start.AddMinutes(10)));
        Assert.True(ids.TryRemember("order-3", Start.AddMinutes(10)));
        Assert.Equal([.. stored, .. Entry(RecentEventIds.HashOf("order-3"), minute + 10)], ids.Pack()!);
    }

    [Fact]
    public void A_hash_stored_twice_is_held_once_with_its_first_minute()
    {
        var minute = (uint)(Start.ToUnixTimeSeconds() / 60);
        var hash = RecentEventIds.HashOf("twice");

        var ids = RecentEventIds.Restore([.. Entry(hash, minute), .. Entry(RecentEventIds.HashOf("other"), minute), .. Entry(hash, minute + 600)]);

        Assert.Equal(2, ids.Count);
        Assert.False(ids.Holds("twice", Start + RecentEventIds.Window + TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void More_ids_than_the_capacity_restored_shrink_by_one_per_addition()
    {
        var minute = (uint)(Start.ToUnixTimeSeconds() / 60);
        var stored = Enumerable.Range(0, RecentEventIds.Capacity + 2).SelectMany(i => Entry(RecentEventIds.HashOf($"e-{i}"), minute)).ToArray();

        var ids = RecentEventIds.Restore(stored);
        Assert.True(ids.TryRemember("new", Start));

        Assert.Equal(RecentEventIds.Capacity + 2, ids.Count);
        Assert.True(ids.TryRemember("e-0", Start)); // the oldest went
        Assert.Equal(RecentEventIds.Capacity + 2, ids.Count);
        Assert.False(ids.Holds("e-1", Start)); // and the next with this addition
        Assert.True(ids.Holds("e-2", Start));
    }

    private static byte[] Entry(ulong hash, uint minute)
    {
        var entry = new byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(entry, hash);
        BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(8), minute);
        return entry;
    }

    /// <summary>What <see cref="RecentEventIds"/> was before it held its ids in a ring: a queue and a set.</summary>
    private sealed class Model
    {
        private readonly Queue<(ulong Hash, uint Minute)> _oldestFirst = new();
        private readonly HashSet<ulong> _hashes = [];

        public int Count => _oldestFirst.Count;

        public bool Holds(string id, DateTimeOffset now)
        {
            ForgetBefore(MinuteOf(now - RecentEventIds.Window));
            return _hashes.Contains(RecentEventIds.HashOf(id));
        }

        public bool TryRemember(string id, DateTimeOffset now)
        {
            ForgetBefore(MinuteOf(now - RecentEventIds.Window));
            var hash = RecentEventIds.HashOf(id);
            if (!_hashes.Add(hash)) return false;
            _oldestFirst.Enqueue((hash, MinuteOf(now)));
            if (_oldestFirst.Count > RecentEventIds.Capacity) _hashes.Remove(_oldestFirst.Dequeue().Hash);
            return true;
        }

        public byte[] Pack() => _oldestFirst.SelectMany(e => Entry(e.Hash, e.Minute)).ToArray();

        private void ForgetBefore(uint minute)
        {
            while (_oldestFirst.TryPeek(out var oldest) && oldest.Minute < minute) _hashes.Remove(_oldestFirst.Dequeue().Hash);
        }

        private static uint MinuteOf(DateTimeOffset time) => (uint)Math.Max(0, time.ToUnixTimeSeconds() / 60);
    }
}
