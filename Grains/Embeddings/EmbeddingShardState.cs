using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Grains.Embeddings;

[GenerateSerializer, Alias("OrleansReco.EmbeddingShardState")]
public sealed class EmbeddingShardState
{
    [Id(0)] public Dictionary<string, float[]> Vectors { get; set; } = new(StringComparer.Ordinal);
    [Id(1)] public Dictionary<string, ItemWeight[]> Weights { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The version's shopper segments whose id falls to this shard (id mod shards); empty without segments.</summary>
    [Id(2)] public List<ShopperSegment> Segments { get; set; } = [];
}
