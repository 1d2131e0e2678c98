using FsCheck.Xunit;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansReco.Grains.Items;
using OrleansReco.Grains.Storage;
using Xunit;

namespace OrleansReco.UnitTests;

/// <summary>
/// An aggregate's map written in checkpoints (<see cref="AggregateRows{THeader}"/>, <see cref="StoredMap{TKey,TValue}"/>)
/// on the real memory store: whatever the changes, checkpoints and restarts, a restart reads back exactly the map and
/// header of the last checkpoint, the rows a head lists stay few (a base and deltas of falling size), and rows no head
/// lists any more are deleted.
/// </summary>
public sealed class StoredAggregateProperties
{
    private static readonly Serializer<AggregateHead<ItemHeader>> Heads =
        new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer<AggregateHead<ItemHeader>>>();

    /// <summary>Short ids, and ids of the gateway's longest (128 characters), so that large segments span several rows.</summary>
    private static readonly string[] Keys = Enumerable.Range(0, 3_000)
        .Select(i => i % 3 == 0 ? $"k{i}".PadRight(128, (char)('a' + i % 26)) : $"k{i}")
        .ToArray();

    [Property(MaxTest = 40)]
    public async Task A_restart_reads_back_the_last_checkpoint_exactly(byte[] stream, int seed)
    {
        var store = new MemoryAggregateRowStore(Guid.NewGuid().ToString("N"));
        var owner = new RowOwner("item", "the-item");
        var random = new Random(seed);
        var (rows, map) = await Open(store, owner);
        var written = new Dictionary<string, int>(StringComparer.Ordinal);
        var writtenVersion = 0L;

        foreach (var step in stream)
        {
            switch (step % 10)
            {
                case 0:
                    await rows.CheckpointAsync();
                    written = new Dictionary<string, int>(map.Current, StringComparer.Ordinal);
                    writtenVersion = rows.Header.Version;
                    await AssertFewRowsAndNoGarbage(store, owner, map.Current.Count);
                    break;
                case 1:
                    (rows, map) = await Open(store, owner); // a restart: what was not checkpointed is gone
                    Assert.Equal(written.OrderBy(kv => kv.Key, StringComparer.Ordinal), map.Current.OrderBy(kv => kv.Key, StringComparer.Ordinal));
                    Assert.Equal(writtenVersion, rows.Header.Version);
                    break;
                default:
                    // A burst of changes: many keys at times, a few at others; some counts go back to zero.
                    for (var n = random.Next(step % 3 == 0 ? 600 : 8); n >= 0; n--)
                    {
                        var key = Keys[random.Next(Keys.Length)];
                        var count = map.Current.GetValueOrDefault(key) + (random.Next(3) == 0 ? -1 : 1);
                        if (count == 0) map.Remove(key); else map.Set(key, count);
                    }
                    rows.Header.Version++;
                    break;
            }
        }

        await rows.CheckpointAsync();
        var (_, restored) = await Open(store, owner);
        Assert.Equal(map.Current.OrderBy(kv => kv.Key, StringComparer.Ordinal), restored.Current.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_checkpoint_writes_what_changed_not_the_whole_map()
    {
        var store = new MemoryAggregateRowStore(Guid.NewGuid().ToString("N"));
        var owner = new RowOwner("item", "best-seller");
        var (rows, map) = await Open(store, owner);
        for (var i = 0; i < 100_000; i++) map.Set($"co-item-{i}", 1);
        await rows.CheckpointAsync();
        var whole = await StoredBytes(store, owner);

        // Then a checkpoint per second of a busy shop: a few dozen co-items move each time.
        var random = new Random(5);
        var largestDelta = 0L;
        for (var checkpoint = 0; checkpoint < 200; checkpoint++)
        {
            var before = await StoredBytes(store, owner);
            for (var n = 0; n < 40; n++) map.Set($"co-item-{random.Next(100_000)}", 2 + checkpoint);
            await rows.CheckpointAsync();
            largestDelta = Math.Max(largestDelta, (await StoredBytes(store, owner)) - before);
        }

        Assert.True(whole > 1 << 20, $"the map should be past the old 1 MiB limit; it is {whole} bytes");
        // A delta that folds in older ones is at most a few times their size: far from rewriting the map.
        Assert.True(largestDelta < whole / 20, $"a checkpoint of 40 changes grew storage by {largestDelta} bytes, against {whole} for the map");
        var (_, restored) = await Open(store, owner);
        Assert.Equal(map.Current.OrderBy(kv => kv.Key, StringComparer.Ordinal), restored.Current.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    private static async Task<(AggregateRows<ItemHeader> Rows, StoredMap<string, int> Map)> Open(IAggregateRowStore store, RowOwner owner)
    {
        var map = new StoredMap<string, int>(EntryCodecs.CoOccurrence, StringComparer.Ordinal);
        var rows = new AggregateRows<ItemHeader>(store, owner, Heads, map);
        await rows.LoadAsync();
        return (rows, map);
    }

    private static async Task AssertFewRowsAndNoGarbage(IAggregateRowStore store, RowOwner owner, int live)
    {
        var stored = await store.ReadAsync(owner);
        var head = Heads.Deserialize(stored.Head!)!;
        var listed = head.Maps.SelectMany(m => m.Deltas.Prepend(m.Base).OfType<StoredSegment>()).ToList();
        Assert.Equal(listed.Sum(s => s.Rows), stored.Rows.Count); // nothing left behind
        var deltas = head.Maps[0].Deltas.Count;
        Assert.True(deltas <= 2 + Math.Log2(1 + live), $"{deltas} delta segments for a map of {live} entries");
    }

    private static async Task<long> StoredBytes(IAggregateRowStore store, RowOwner owner) =>
        (await store.ReadAsync(owner)).Rows.Values.Sum(r => (long)r.Length);
}
