using OrleansReco.Grains.Hosting;
using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Grains.Embeddings;

/// <summary>
/// The item vectors, item-to-item weights and shopper segments of one shard of one model version. Versions are never overwritten, so a
/// silo that loads version v gets the same vectors and weights from every shard; the trainer deletes a version once a
/// newer one is current.
/// </summary>
public sealed class EmbeddingShardGrain(
    [PersistentState("embedding", RecoStorage.State)] IPersistentState<EmbeddingShardState> state) : Grain, IEmbeddingShardGrain
{
    public async Task Publish(ItemVectors vectors)
    {
        state.State.Vectors = new Dictionary<string, float[]>(vectors.Vectors, StringComparer.Ordinal);
        state.State.Weights = vectors.Weights is { } weights
            ? new Dictionary<string, ItemWeight[]>(weights, StringComparer.Ordinal)
            : new Dictionary<string, ItemWeight[]>(StringComparer.Ordinal);
        state.State.Segments = vectors.Segments?.ToList() ?? [];
        await state.WriteStateAsync();
    }

    public Task<ItemVectors> Get() => Task.FromResult(new ItemVectors(state.State.Vectors, state.State.Weights, state.State.Segments));

    public async Task Delete()
    {
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }
}
