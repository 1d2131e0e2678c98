namespace OrleansReco.Grains.Model;

public enum SimilarityKind
{
    Jaccard = 0,
    Cosine = 1,
    Lift = 2,
}

/// <summary>The recommendation model's knobs, bound from configuration section <c>Reco:Model</c>.</summary>
public sealed class ModelOptions
{
    public const string SectionName = "Reco:Model";

    /// <summary>At most this many distinct items are kept in a user's history (N).</summary>
    public int HistoryLimit { get; set; } = 200;

    /// <summary>History entries whose last event is older than this, relative to the user's newest event, are evicted.</summary>
    public TimeSpan HistoryMaxAge { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Half-life of affinities and popularity, in event time.</summary>
    public TimeSpan HalfLife { get; set; } = TimeSpan.FromDays(30);

    public double ViewWeight { get; set; } = 1;
    public double CartWeight { get; set; } = 3;
    public double PurchaseWeight { get; set; } = 5;

    /// <summary>Neighbourhood size (K).</summary>
    public int NeighbourhoodSize { get; set; } = 50;

    /// <summary>A pair is published only when at least this many distinct users hold both items (s_min).</summary>
    public int MinSupport { get; set; } = 3;

    public SimilarityKind Similarity { get; set; } = SimilarityKind.Jaccard;

    /// <summary>
    /// Repeat-aware mode: weight w of the user's own (decayed) affinity for an item they already have, added to
    /// its neighbourhood score. Chosen on a validation window (docs/quality.md).
    /// </summary>
    public double RepeatWeight { get; set; } = 30;

    /// <summary>A recommendation fans out to the neighbourhoods of this many top history items (H).</summary>
    public int HistoryFanOut { get; set; } = 20;

    /// <summary>
    /// How long an item may serve a cached neighbourhood when only other items' occurrence counts may have moved.
    /// Its own co-occurrence changes always invalidate at once. Zero means always recompute.
    /// </summary>
    public TimeSpan NeighbourhoodMaxAge { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Partitions of the item index; must be the same on every silo of a cluster.</summary>
    public int IndexShards { get; set; } = 8;
}
