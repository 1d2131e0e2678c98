using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Grains.Embeddings;

[GenerateSerializer, Alias("OrleansReco.EmbeddingShardState")]
public sealed class EmbeddingShardState
{
    [Id(0)] public Dictionary<string, float[]> Vectors { get; set; } = new(StringComparer.Ordinal);
    [Id(1)] public Dictionary<string, ItemWeight[]> Weights { get; set; } = new(StringComparer.Ordinal);
}
