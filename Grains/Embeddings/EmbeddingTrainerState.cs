using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Grains.Embeddings;

[GenerateSerializer, Alias("OrleansReco.EmbeddingTrainerState")]
public sealed class EmbeddingTrainerState
{
    [Id(0)] public EmbeddingManifest? Current { get; set; }

    /// <summary>Counts erasures ever noted; a training that saw it change while running leaves a retrain due.</summary>
    [Id(1)] public long Erasures { get; set; }

    /// <summary>The value of <see cref="Erasures"/> the current model was trained after.</summary>
    [Id(2)] public long ErasuresAtTraining { get; set; }

    [Id(3)] public DateTimeOffset? LastAttempt { get; set; }

    /// <summary>Versions no longer current whose vectors are still to be deleted (version to shard count).</summary>
    [Id(4)] public Dictionary<long, int> Superseded { get; set; } = [];

    /// <summary>How long the last successful training took, from its start until its version was current.</summary>
    [Id(5)] public TimeSpan? LastTrainingTime { get; set; }
}
