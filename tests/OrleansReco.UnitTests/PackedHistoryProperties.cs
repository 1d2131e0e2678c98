using System.Globalization;
using FsCheck.Xunit;
using OrleansReco.Grains.Model;
using Xunit;

namespace OrleansReco.UnitTests;

/// <summary>
/// A user grain holds and stores its history only packed and decodes it for each call that needs it: what it decodes
/// must be exactly what it packed, or every call would drift the history a little.
/// </summary>
public sealed class PackedHistoryProperties
{
    private const long T0 = 1_700_000_000;

    /// <summary>Characters of one to four UTF-8 bytes, the last a surrogate pair: every width the encoding has.</summary>
    private static readonly string[] Characters = ["a", "7", "-", "é", "ß", "€", "商", "😀"];

    private static readonly long[] ExtremeTimes = [long.MinValue, long.MinValue + 1, -1, 0, 1, long.MaxValue - 1, long.MaxValue];

    private static readonly double[] ExtremeAffinities =
        [0.0, -0.0, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue, double.PositiveInfinity, double.NegativeInfinity, double.NaN, BitConverter.Int64BitsToDouble(0x7FF8_0000_DEAD_BEEF)];

    private static readonly HistoryPolicy Policy = new(8, TimeSpan.FromDays(10), TimeSpan.FromDays(3), new EventWeights(1, 3, 5));

    [Property(MaxTest = 300)]
    public bool Any_entries_restore_bit_for_bit_in_their_order(int seed)
    {
        var random = new Random(seed);
        var entries = new List<HistoryEntry>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var count = random.Next(60); entries.Count < count;)
        {
            // Ids up to the gateway's 128 characters, so id lengths need one and two varint bytes.
            var id = string.Concat(Enumerable.Range(0, 1 + random.Next(128)).Select(_ => Characters[random.Next(Characters.Length)]));
            if (ids.Add(id))
            {
                entries.Add(RandomEntry(random, id));
            }
        }
        var newestEvent = random.Next(3) == 0 ? ExtremeTimes[random.Next(ExtremeTimes.Length)] : T0 + random.Next(-100_000, 100_000);

        var packed = PackedHistory.Pack(entries, newestEvent);
        var restored = UserHistory.Restore(Policy, packed);

        return restored.NewestEvent == newestEvent
            && PackedHistory.Read(packed).Zip(entries).All(pair => Same(pair.First, pair.Second))
            && PackedHistory.Read(packed).Count() == entries.Count
            && PackedHistory.ItemIds(packed).SequenceEqual(entries.Select(e => e.ItemId))
            && SameEntries(restored, entries);
    }

    [Property(MaxTest = 200)]
    public bool A_recorded_history_restores_exactly(int seed)
    {
        var random = new Random(seed);
        var history = new UserHistory(Policy);
        RecordRandomEvents(history, random, random.Next(80));

        var restored = UserHistory.Restore(Policy, history.Pack());

        return restored.NewestEvent == history.NewestEvent && SameEntries(restored, history.Entries.ToList());
    }

    /// <summary>
    /// What the grain will do on every event batch (decode, record, pack) must mean the same as recording on a history
    /// that was never packed: the same entries, the same evictions, the same newest event.
    /// </summary>
    [Property(MaxTest = 200)]
    public bool Recording_on_a_restored_history_is_recording_on_the_original(int seed)
    {
        var random = new Random(seed);
        var original = new UserHistory(Policy);
        RecordRandomEvents(original, random, random.Next(40));
        var restored = UserHistory.Restore(Policy, original.Pack());

        for (var i = random.Next(40); i > 0; i--)
        {
            var (itemId, kind, time) = RandomEvent(random);
            var evictedFromOriginal = original.Record(itemId, kind, time);
            // As the grain will: decoded for the event, packed again after it.
            var evictedFromRestored = restored.Record(itemId, kind, time);
            restored = UserHistory.Restore(Policy, restored.Pack());
            if (!evictedFromOriginal.Order(StringComparer.Ordinal).SequenceEqual(evictedFromRestored.Order(StringComparer.Ordinal)))
            {
                return false;
            }
        }

        return restored.NewestEvent == original.NewestEvent && SameEntries(restored, original.Entries.ToList());
    }

    /// <summary>
    /// The benchmark's shopper (user-bytes): 200 six-character ids, an event an hour, a third of them purchases. An entry
    /// takes 24 bytes here (id 7, affinity 8, times 4, counts 3, weight 2); 5,000 leaves a few bytes for the header
    /// and nothing for a wider encoding: times or counts at a fixed width would add 1,800 bytes or more. With the rest
    /// of a resident grain (its embedding is 280 bytes) that keeps the shopper well under 8 KB.
    /// </summary>
    [Fact]
    public void Two_hundred_six_character_ids_pack_under_5000_bytes()
    {
        var history = new UserHistory(HistoryPolicy.From(new ModelOptions()));
        for (var i = 0; i < 200; i++)
        {
            history.Record(SixCharacterId(i), i % 3 == 0 ? EventKind.Purchase : EventKind.View, T0 + i * 3600);
        }

        Assert.Equal(200, history.Count);
        Assert.InRange(history.Pack().Length, 0, 5_000);
    }

    /// <summary>
    /// The widest times retention keeps: entries spread over the whole window, each seen twice a month apart, so both
    /// time deltas take 4 bytes (28 bytes an entry). Still under 6,000.
    /// </summary>
    [Fact]
    public void Times_spread_over_the_retention_window_pack_under_6000_bytes()
    {
        var options = new ModelOptions();
        var history = new UserHistory(HistoryPolicy.From(options));
        var step = (long)options.HistoryMaxAge.TotalSeconds / 200;
        for (var i = 0; i < 200; i++)
        {
            history.Record(SixCharacterId(i), EventKind.View, T0 + i * step);
            history.Record(SixCharacterId(i), EventKind.View, T0 + i * step + 30 * EventTime.SecondsPerDay);
        }

        Assert.Equal(200, history.Count);
        Assert.InRange(history.Pack().Length, 0, 6_000);
    }

    [Fact]
    public void An_empty_history_packs_to_three_bytes()
    {
        var packed = new UserHistory(Policy).Pack();

        Assert.Equal([PackedHistory.FormatVersion, 0, 0], packed);
        var restored = UserHistory.Restore(Policy, packed);
        Assert.Equal(0, restored.Count);
        Assert.Equal(long.MinValue, restored.NewestEvent);
    }

    [Fact]
    public void The_layout_is_pinned_because_it_is_stored()
    {
        var entry = new HistoryEntry { ItemId = "é1", Affinity = 1.5, FirstSeen = T0 - 3, LastSeen = T0 - 1, Views = 2, Carts = 0, Purchases = 1, MilliWeight = 7000 };

        var packed = PackedHistory.Pack([entry], T0);

        byte[] newest = [0x81, 0xC4, 0x9F, 0xD5, 0x0C]; // zigzag(1,700,000,000) + 1 = 3,400,000,001
        byte[] affinity = [0, 0, 0, 0, 0, 0, 0xF8, 0x3F];
        // version, count, newest | id length, "é1", newest - last (1 -> 2), last - first (2 -> 4), 2, 0, 1, 7000, 1.5
        Assert.Equal([1, 1, .. newest, 3, 0xC3, 0xA9, (byte)'1', 2, 4, 2, 0, 1, 0xD8, 0x36, .. affinity], packed);
    }

    [Fact]
    public void Bytes_of_another_version_left_over_or_missing_are_refused()
    {
        var packed = PackedHistory.Pack([new HistoryEntry { ItemId = "a", LastSeen = T0, FirstSeen = T0, Views = 1 }], T0);

        Assert.Throws<InvalidDataException>(() => UserHistory.Restore(Policy, [2, .. packed[1..]]));
        Assert.Throws<InvalidDataException>(() => UserHistory.Restore(Policy, []));
        Assert.Throws<InvalidDataException>(() => UserHistory.Restore(Policy, [.. packed, 0]));
        Assert.Throws<InvalidDataException>(() => PackedHistory.ItemIds([.. packed, 0]).ToList());
        Assert.ThrowsAny<Exception>(() => UserHistory.Restore(Policy, packed[..^1]));
        Assert.ThrowsAny<Exception>(() => PackedHistory.ItemIds(packed[..^1]).ToList());
        // A count the bytes cannot hold is refused before anything is sized by it.
        Assert.Throws<InvalidDataException>(() => PackedHistory.EntryCount([1, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0]));
        Assert.Equal("a", Assert.Single(UserHistory.Restore(Policy, packed).Entries).ItemId);
    }

    [Fact]
    public void Ids_restored_from_different_histories_are_one_string_per_id()
    {
        var id = "pooled-" + Guid.NewGuid().ToString("N") + "-商品";
        var first = PackedHistory.Pack([new HistoryEntry { ItemId = id }], T0);
        var second = PackedHistory.Pack([new HistoryEntry { ItemId = "x" }, new HistoryEntry { ItemId = id }], T0);

        var fromFirst = Assert.Single(UserHistory.Restore(Policy, first).Entries).ItemId;
        var fromSecond = PackedHistory.ItemIds(second).Last();

        Assert.Equal(id, fromFirst);
        Assert.Same(fromFirst, fromSecond);
        Assert.NotSame(id, fromFirst); // decoded from bytes, not the caller's instance
    }

    private static string SixCharacterId(int i) => (100_000 + i * 7).ToString("D6", CultureInfo.InvariantCulture);

    private static HistoryEntry RandomEntry(Random random, string id)
    {
        long Time() => random.Next(4) == 0 ? ExtremeTimes[random.Next(ExtremeTimes.Length)] : T0 + random.Next(-1_000_000, 1_000);
        int Count() => random.Next(5) switch { 0 => 0, 1 => int.MaxValue, 2 => int.MinValue, _ => random.Next(300) };
        return new HistoryEntry
        {
            ItemId = id,
            Affinity = random.Next(3) == 0 ? ExtremeAffinities[random.Next(ExtremeAffinities.Length)] : random.NextDouble() * 100,
            FirstSeen = Time(),
            LastSeen = Time(),
            Views = Count(),
            Carts = Count(),
            Purchases = Count(),
            MilliWeight = random.Next(5) switch { 0 => 0, 1 => long.MaxValue, 2 => long.MinValue, _ => random.NextInt64(1_000_000) },
        };
    }

    /// <summary>Events on a few items in no particular time order: late events, evictions by age and by size.</summary>
    private static void RecordRandomEvents(UserHistory history, Random random, int events)
    {
        for (var i = 0; i < events; i++)
        {
            var (itemId, kind, time) = RandomEvent(random);
            history.Record(itemId, kind, time);
        }
    }

    private static (string ItemId, EventKind Kind, long Time) RandomEvent(Random random) =>
        ($"{Characters[random.Next(Characters.Length)]}{random.Next(12)}",
         (EventKind)random.Next(3),
         T0 + random.Next(0, (int)TimeSpan.FromDays(15).TotalSeconds));

    private static bool SameEntries(UserHistory history, IReadOnlyList<HistoryEntry> expected)
    {
        var byId = history.Entries.ToDictionary(e => e.ItemId, StringComparer.Ordinal);
        return history.Count == expected.Count && expected.All(e => byId.TryGetValue(e.ItemId, out var other) && Same(e, other));
    }

    private static bool Same(HistoryEntry a, HistoryEntry b) =>
        a.ItemId == b.ItemId
        && BitConverter.DoubleToInt64Bits(a.Affinity) == BitConverter.DoubleToInt64Bits(b.Affinity)
        && a.FirstSeen == b.FirstSeen && a.LastSeen == b.LastSeen
        && a.Views == b.Views && a.Carts == b.Carts && a.Purchases == b.Purchases
        && a.MilliWeight == b.MilliWeight;
}
