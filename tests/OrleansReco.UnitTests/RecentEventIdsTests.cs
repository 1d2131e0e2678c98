using OrleansReco.Grains.Model;
using Xunit;

namespace OrleansReco.UnitTests;

public sealed class RecentEventIdsTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_id_is_new_once_and_a_repeat_after()
    {
        var ids = new RecentEventIds();

        Assert.True(ids.TryRemember("e-1", Now));
        Assert.False(ids.TryRemember("e-1", Now.AddMinutes(5)));
        Assert.True(ids.TryRemember("e-2", Now.AddMinutes(5)));
        Assert.True(ids.TryRemember("E-1", Now.AddMinutes(5))); // ids are case-sensitive, like every id of the API
        Assert.Equal(3, ids.Count);
    }

    [Fact]
    public void Holds_looks_without_remembering()
    {
        var ids = new RecentEventIds();
        ids.TryRemember("seen", Now);

        Assert.True(ids.Holds("seen", Now.AddHours(1)));
        Assert.False(ids.Holds("new", Now.AddHours(1)));
        Assert.False(ids.Holds("new", Now.AddHours(1)));
        Assert.False(ids.Holds("seen", Now + RecentEventIds.Window + TimeSpan.FromMinutes(1)));
        Assert.Equal(0, ids.Count);
    }

    [Fact]
    public void An_id_is_forgotten_once_the_window_has_passed()
    {
        var ids = new RecentEventIds();
        ids.TryRemember("early", Now);
        ids.TryRemember("later", Now.AddHours(12));

        Assert.False(ids.TryRemember("early", Now + RecentEventIds.Window - TimeSpan.FromMinutes(1)));
        Assert.True(ids.TryRemember("early", Now + RecentEventIds.Window + TimeSpan.FromMinutes(1)));
        Assert.False(ids.TryRemember("later", Now + RecentEventIds.Window + TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void Past_the_capacity_the_oldest_id_is_forgotten_first()
    {
        var ids = new RecentEventIds();
        for (var i = 0; i <= RecentEventIds.Capacity; i++)
        {
            Assert.True(ids.TryRemember($"e-{i}", Now));
        }

        Assert.Equal(RecentEventIds.Capacity, ids.Count);
        Assert.False(ids.TryRemember("e-1", Now));
        Assert.True(ids.TryRemember("e-0", Now));
    }

    [Fact]
    public void Packed_ids_restore_with_their_times_and_order()
    {
        var ids = new RecentEventIds();
        ids.TryRemember("a", Now);
        ids.TryRemember("b", Now.AddHours(20));
        var packed = ids.Pack();

        Assert.Equal(2 * 12, packed!.Length);
        var restored = RecentEventIds.Restore(packed);
        Assert.False(restored.TryRemember("b", Now.AddHours(1)));
        // "a" expires on its own time, not on the restore's.
        Assert.True(restored.TryRemember("a", Now + RecentEventIds.Window + TimeSpan.FromMinutes(1)));
        Assert.False(restored.TryRemember("b", Now + RecentEventIds.Window + TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void Nothing_held_packs_to_null_and_null_restores_to_nothing()
    {
        Assert.Null(new RecentEventIds().Pack());
        Assert.Equal(0, RecentEventIds.Restore(null).Count);
    }

    [Fact]
    public void Clear_forgets_every_id()
    {
        var ids = new RecentEventIds();
        ids.TryRemember("a", Now);

        ids.Clear();

        Assert.True(ids.TryRemember("a", Now));
    }

    [Fact]
    public void The_hash_is_stable_because_it_is_stored()
    {
        // The first 8 bytes of SHA-256("order-1"), little-endian: pinned, so that a change of hash cannot silently
        // make every stored id unrecognisable.
        Assert.Equal(0x8c69d25621e2af0bUL, RecentEventIds.HashOf("order-1"));
    }

    [Fact]
    public void Bytes_that_are_not_whole_entries_are_refused()
    {
        Assert.Throws<InvalidDataException>(() => RecentEventIds.Restore(new byte[13]));
    }
}
