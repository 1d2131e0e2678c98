using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Grains.Items;

[GenerateSerializer, Alias("OrleansReco.ItemIndexShardState")]
public sealed class ItemIndexShardState
{
    [Id(0)] public Dictionary<string, ItemStats> Items { get; set; } = new(StringComparer.Ordinal);
}
