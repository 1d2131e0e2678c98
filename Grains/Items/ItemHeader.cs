using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Grains.Items;

/// <summary>
/// An item grain's small state, written whole in its head row with every checkpoint: catalogue data and aggregates
/// over all current histories, nothing about any one user. Its large maps (co-occurrence, applied delivery ids) are
/// stored beside it (<see cref="Storage.AggregateRows{THeader}"/>).
/// </summary>
[GenerateSerializer, Alias("OrleansReco.ItemHeader")]
public sealed class ItemHeader
{
    [Id(0)] public ItemDetails? Details { get; set; }

    /// <summary>How many current histories hold the item.</summary>
    [Id(1)] public int Occurrence { get; set; }

    /// <summary>Undecayed event weight per day (thousandths), summed over current histories: exact to retract.</summary>
    [Id(2)] public Dictionary<int, long> PopularityMilliWeights { get; set; } = new();

    /// <summary>Grows with every change; lets the index discard a report older than the one it holds.</summary>
    [Id(3)] public long Version { get; set; }
}

/// <summary>An index shard's small state, written whole in its head row with every checkpoint.</summary>
[GenerateSerializer, Alias("OrleansReco.IndexShardHeader")]
public sealed class IndexShardHeader
{
    /// <summary>Grows with every report taken.</summary>
    [Id(0)] public long Version { get; set; }
}
