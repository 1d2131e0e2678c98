using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Grains.Items;

/// <summary>An item grain's persisted state: catalogue data and aggregates only, nothing about any one user.</summary>
[GenerateSerializer, Alias("OrleansReco.ItemState")]
public sealed class ItemState
{
    [Id(0)] public ItemDetails? Details { get; set; }
    [Id(1)] public int Occurrence { get; set; }
    [Id(2)] public Dictionary<string, int> CoOccurrence { get; set; } = new(StringComparer.Ordinal);
    [Id(3)] public Dictionary<int, long> PopularityMilliWeights { get; set; } = new();

    /// <summary>Random ids of the latest deliveries applied, oldest first: makes a redelivery harmless.</summary>
    [Id(4)] public List<Guid> RecentDeliveries { get; set; } = [];

    /// <summary>Grows with every change; lets the index discard a report older than the one it holds.</summary>
    [Id(5)] public long Version { get; set; }
}
