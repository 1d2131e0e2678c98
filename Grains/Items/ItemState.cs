using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Storage;

namespace OrleansReco.Grains.Items;

/// <summary>
/// An item grain's persisted state: catalogue data and aggregates only, nothing about any one user. Stored as two
/// rows (see <see cref="SnapshottedState{TState,TKey,TValue}"/>): the head, with only the co-occurrence entries changed
/// since the snapshot, and the snapshot, with all of them.
/// </summary>
[GenerateSerializer, Alias("OrleansReco.ItemState")]
public sealed class ItemState : ISnapshottedState<ItemState, string, int>
{
    private const int GuidBytes = 16;

    [Id(0)] public ItemDetails? Details { get; set; }
    [Id(1)] public int Occurrence { get; set; }

    /// <summary>How many current histories hold this item together with each other item (0: none; see <see cref="BaseVersion"/>).</summary>
    [field: NonSerialized] public Dictionary<string, int> CoOccurrence { get; set; } = new(StringComparer.Ordinal);

    [Id(3)] public Dictionary<int, long> PopularityMilliWeights { get; set; } = new();

    /// <summary>Random ids of the latest deliveries applied, oldest first: makes a redelivery harmless.</summary>
    [field: NonSerialized] public List<Guid> RecentDeliveries { get; set; } = [];

    /// <summary>Grows with every change; lets the index discard a report older than the one it holds.</summary>
    [Id(5)] public long Version { get; set; }

    [Id(6)] public long BaseVersion { get; set; }

    // Stored forms. The two large collections are packed into byte arrays: an item's row is written with every
    // change that reaches the item, and Orleans' generic encoding of them (a tracked string per co-item, a field per
    // id) was a fifth of a replay's CPU. The fields they had before are still read, never written.

    /// <summary>A snapshot row's whole map, packed when the snapshot was taken (the grain's map goes on changing).</summary>
    [NonSerialized] private byte[]? _packedWhenTaken;

    /// <summary>How <see cref="CoOccurrence"/> is stored: packed by <see cref="CountMapPacking"/>.</summary>
    [Id(7)]
    public byte[]? PackedCoOccurrence
    {
        get => _packedWhenTaken ?? CountMapPacking.Pack(CoOccurrence);
        set => CoOccurrence = value is null ? new(StringComparer.Ordinal) : CountMapPacking.Unpack(value);
    }

    /// <summary>How <see cref="RecentDeliveries"/> is stored: 16 bytes per id, in order.</summary>
    [Id(8)]
    public byte[]? PackedRecentDeliveries
    {
        get
        {
            var packed = new byte[GuidBytes * RecentDeliveries.Count];
            for (var i = 0; i < RecentDeliveries.Count; i++)
            {
                RecentDeliveries[i].TryWriteBytes(packed.AsSpan(i * GuidBytes, GuidBytes));
            }
            return packed;
        }
        set
        {
            RecentDeliveries = [];
            for (var at = 0; value is not null && at < value.Length; at += GuidBytes)
            {
                RecentDeliveries.Add(new Guid(value.AsSpan(at, GuidBytes)));
            }
        }
    }

    /// <summary>How <see cref="CoOccurrence"/> was stored before it was packed: read from such rows, never written.</summary>
    [Id(2)]
    public Dictionary<string, int>? UnpackedCoOccurrence
    {
        get => null;
        set
        {
            if (value is not null) CoOccurrence = new Dictionary<string, int>(value, StringComparer.Ordinal);
        }
    }

    /// <summary>How <see cref="RecentDeliveries"/> was stored before it was packed: read from such rows, never written.</summary>
    [Id(4)]
    public List<Guid>? UnpackedRecentDeliveries
    {
        get => null;
        set
        {
            if (value is not null) RecentDeliveries = value;
        }
    }

    Dictionary<string, int> ISnapshottedState<ItemState, string, int>.Map
    {
        get => CoOccurrence;
        set => CoOccurrence = value;
    }

    /// <summary>Packs <paramref name="current"/> now, rather than copying it: a snapshot is only written, and a hot item's map is large.</summary>
    public ItemState SnapshotOf(IReadOnlyDictionary<string, int> current) => new()
    {
        _packedWhenTaken = CountMapPacking.Pack(current),
        Details = Details,
        Occurrence = Occurrence,
        PopularityMilliWeights = new Dictionary<int, long>(PopularityMilliWeights),
        RecentDeliveries = [.. RecentDeliveries],
        Version = Version,
        BaseVersion = BaseVersion,
    };
}
