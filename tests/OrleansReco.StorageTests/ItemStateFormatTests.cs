using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansReco.Grains.Items;
using OrleansReco.Grains.Storage;

namespace OrleansReco.StorageTests;

/// <summary>An item's co-occurrence map and delivery ids are stored packed; rows written before that must still read back whole.</summary>
public sealed class ItemStateFormatTests
{
    private readonly IServiceProvider _services = new ServiceCollection()
        .AddSerializer(serializer => serializer.AddAssembly(typeof(ItemState).Assembly).AddAssembly(typeof(ItemStateBeforePacking).Assembly))
        .AddSingleton<IGrainStorageSerializer, ExactSizeGrainStorageSerializer>()
        .BuildServiceProvider();

    private readonly IGrainStorageSerializer _serializer;

    public ItemStateFormatTests() => _serializer = _services.GetRequiredService<IGrainStorageSerializer>();

    [Fact]
    public void A_row_written_before_packing_reads_back_whole()
    {
        var old = new ItemStateBeforePacking
        {
            Occurrence = 4,
            CoOccurrence = new() { ["b"] = 2, ["商品"] = 1 },
            PopularityMilliWeights = new() { [20_000] = 5000 },
            RecentDeliveries = [Guid.NewGuid(), Guid.NewGuid()],
            Version = 9,
        };

        var read = _serializer.Deserialize<ItemState>(_serializer.Serialize(old))!;

        Assert.Equal(4, read.Occurrence);
        Assert.Equal(old.CoOccurrence!.OrderBy(kv => kv.Key), read.CoOccurrence.OrderBy(kv => kv.Key));
        Assert.Equal(5000, read.PopularityMilliWeights[20_000]);
        Assert.Equal(old.RecentDeliveries, read.RecentDeliveries);
        Assert.Equal(9, read.Version);
        // The map keeps the ordinal comparer the item grain relies on.
        Assert.False(read.CoOccurrence.ContainsKey("B"));
    }

    [Fact]
    public void A_packed_row_reads_back_whole_and_is_no_longer_in_the_old_field()
    {
        var state = new ItemState
        {
            Occurrence = 2,
            CoOccurrence = new(StringComparer.Ordinal) { ["b"] = 2, ["c"] = -1 },
            RecentDeliveries = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()],
        };

        var bytes = _serializer.Serialize(state);
        var read = _serializer.Deserialize<ItemState>(bytes)!;
        var asOld = _serializer.Deserialize<ItemStateBeforePacking>(bytes)!;

        Assert.Equal(state.CoOccurrence.OrderBy(kv => kv.Key), read.CoOccurrence.OrderBy(kv => kv.Key));
        Assert.Equal(state.RecentDeliveries, read.RecentDeliveries);
        Assert.Null(asOld.CoOccurrence);
        Assert.Null(asOld.RecentDeliveries);
    }

    [Fact]
    public void A_snapshot_holds_the_map_as_it_was_when_taken_in_the_bytes_orleans_own_serializer_writes()
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal) { ["b"] = 2, ["c"] = 1 };
        var state = new ItemState { Occurrence = 3, Version = 7, RecentDeliveries = [Guid.NewGuid()] };

        var snapshot = state.SnapshotOf(map);
        map["b"] = 5;
        map.Remove("c");
        var bytes = _serializer.Serialize(snapshot);

        Assert.Equal(new OrleansGrainStorageSerializer(_services.GetRequiredService<Serializer>()).Serialize(snapshot).ToArray(), bytes.ToArray());
        var read = _serializer.Deserialize<ItemState>(bytes)!;
        Assert.Equal([KeyValuePair.Create("b", 2), KeyValuePair.Create("c", 1)], read.CoOccurrence.OrderBy(kv => kv.Key));
        Assert.Equal(3, read.Occurrence);
        Assert.Equal(7, read.Version);
        Assert.Equal(state.RecentDeliveries, read.RecentDeliveries);
    }
}

/// <summary>The stored layout of <see cref="ItemState"/> before its co-occurrence map was packed (same field ids).</summary>
[GenerateSerializer, Alias("OrleansReco.StorageTests.ItemStateBeforePacking")]
public sealed class ItemStateBeforePacking
{
    [Id(1)] public int Occurrence { get; set; }
    [Id(2)] public Dictionary<string, int>? CoOccurrence { get; set; }
    [Id(3)] public Dictionary<int, long> PopularityMilliWeights { get; set; } = [];
    [Id(4)] public List<Guid>? RecentDeliveries { get; set; }
    [Id(5)] public long Version { get; set; }
}
