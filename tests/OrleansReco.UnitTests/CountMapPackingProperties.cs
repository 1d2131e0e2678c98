using FsCheck.Xunit;
using OrleansReco.Grains.Interfaces;
using Xunit;

namespace OrleansReco.UnitTests;

public sealed class CountMapPackingProperties
{
    /// <summary>Characters of one to four UTF-8 bytes, the last a surrogate pair: every width the encoding has.</summary>
    private static readonly string[] Characters = ["a", "7", "-", "é", "ß", "€", "商", "😀"];

    [Property(MaxTest = 300)]
    public bool Unpacking_a_packed_map_gives_it_back(int seed)
    {
        var random = new Random(seed);
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var entries = random.Next(300); map.Count < entries;)
        {
            // Ids up to the gateway's 128 characters, so key lengths need one and two varint bytes.
            var key = string.Concat(Enumerable.Range(0, 1 + random.Next(128)).Select(_ => Characters[random.Next(Characters.Length)]));
            map[key] = random.Next(4) switch
            {
                0 => int.MinValue + random.Next(3),
                1 => int.MaxValue - random.Next(3),
                _ => random.Next(-300, 300),
            };
        }

        var unpacked = CountMapPacking.Unpack(CountMapPacking.Pack(map));

        return unpacked.Count == map.Count && map.All(kv => unpacked.TryGetValue(kv.Key, out var count) && count == kv.Value);
    }

    [Fact]
    public void Small_counts_and_ascii_keys_take_a_byte_per_number_and_per_character()
    {
        var packed = CountMapPacking.Pack(new Dictionary<string, int> { ["abc"] = 2, ["d"] = -1 });

        // entries, then per entry: key length, key, zigzag count (2 -> 4, -1 -> 1)
        Assert.Equal([2, 3, .. "abc"u8, 4, 1, .. "d"u8, 1], packed);
    }

    [Fact]
    public void Bytes_left_over_or_missing_are_refused()
    {
        var packed = CountMapPacking.Pack(new Dictionary<string, int> { ["abc"] = 2 });

        Assert.Throws<InvalidDataException>(() => CountMapPacking.Unpack([.. packed, 0]));
        Assert.ThrowsAny<Exception>(() => CountMapPacking.Unpack(packed[..^1]));
        Assert.Equal(2, CountMapPacking.Unpack(packed)["abc"]);
    }

    [Fact]
    public void Reading_gives_the_entries_in_the_order_they_were_packed()
    {
        var packed = CountMapPacking.Pack(new Dictionary<string, int> { ["b"] = 3, ["a"] = -2, ["c"] = 1 });

        Assert.Equal(3, CountMapPacking.EntryCount(packed));
        Assert.Equal([KeyValuePair.Create("b", 3), KeyValuePair.Create("a", -2), KeyValuePair.Create("c", 1)], CountMapPacking.Read(packed));
    }

    [Fact]
    public void Keys_read_from_different_maps_are_one_string_per_id()
    {
        var id = "pooled-" + Guid.NewGuid().ToString("N") + "-商品";
        var first = CountMapPacking.Unpack(CountMapPacking.Pack(new Dictionary<string, int> { [id] = 1 })).Keys.Single();
        var second = CountMapPacking.Read(CountMapPacking.Pack(new Dictionary<string, int> { [id] = 2, ["x"] = 1 })).First().Key;

        Assert.Equal(id, first);
        Assert.Same(first, second);
        Assert.NotSame(id, first); // decoded from bytes, not the caller's instance
    }
}
