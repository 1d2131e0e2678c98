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
    /// Weight of the neighbourhood score (scaled to [0, 1] per user) in the hybrid score
    /// (<see cref="HybridScoring"/>). The weights are chosen on a validation window (docs/quality.md).
    /// </summary>
    public double NeighbourhoodWeight { get; set; } = 1;

    /// <summary>Weight of the embedding's predicted preference x_u.y_j in the hybrid score.</summary>
    public double EmbeddingWeight { get; set; } = 4;

    /// <summary>Repeat-aware mode: weight of the user's own affinity for an item (scaled to [0, 1] per user).</summary>
    public double RepeatWeight { get; set; } = 16;

    /// <summary>
    /// Repeat-aware mode: the shopper's own affinity for an item is how much they bought it (undecayed weight) decayed
    /// by this half-life from their last event on it. Longer than <see cref="HalfLife"/>: what a shopper re-buys is
    /// told by how often far more than by how lately (chosen on a validation window, docs/quality.md).
    /// </summary>
    public TimeSpan RepeatHalfLife { get; set; } = TimeSpan.FromDays(365);

    /// <summary>
    /// Weight of the item-to-item score (EASE weights summed over the user's history by affinity, scaled to [0, 1]
    /// per user) in the hybrid score.
    /// </summary>
    public double EaseWeight { get; set; } = 8;

    /// <summary>
    /// Half-life of an EASE training entry's weight, its age counted from the newest event of all users (not the user's
    /// own): the weights follow what sells together now, as a seasonal shop needs. Zero: every entry weighs 1, for
    /// catalogues where when something was bought says nothing (chosen on validation windows, docs/quality.md).
    /// </summary>
    public TimeSpan EaseHalfLife { get; set; } = TimeSpan.FromDays(30);

    /// <summary>EASE's L2 penalty lambda.</summary>
    public double EaseRegularization { get; set; } = 250;

    /// <summary>
    /// The item-to-item model covers the items held by most users, at most this many; zero turns it off. Training
    /// inverts a dense matrix of this order: 5,000 items take about 200 MB and, on two cores, about 15 s.
    /// </summary>
    public int EaseMaxItems { get; set; } = 5_000;

    /// <summary>Weights kept per item (largest magnitude first): what is published and scored.</summary>
    public int EaseNeighbours { get; set; } = 100;

    /// <summary>
    /// Content (catalogue text: title, category, tags) for items with little co-occurrence: an item's neighbourhood is
    /// (1 - w) co-occurrence + w content with w = ContentSupport / (ContentSupport + the item's occurrence), so w is 1
    /// for a product no shopper holds yet and half at this many holders; the same weight of a content match decides how
    /// much it counts in <see cref="ContentWeight"/>'s part. Zero turns content off (no content queries at all).
    /// Chosen on a validation window (docs/quality.md).
    /// </summary>
    public double ContentSupport { get; set; } = 1;

    /// <summary>
    /// Weight of the content score in the hybrid score: the shopper's history items' content matches, each weighted
    /// by how little co-occurrence it has, summed by affinity, scaled to [0, 1] per user and then to the user's best
    /// score from the other parts, so the weight is the share of that score a perfect content match earns. What brings
    /// new products into recommendations (always where a shopper has few other candidates). On Online Retail every
    /// weight that brought new products into full lists cost the overall score (docs/quality.md), so the default is
    /// the largest validated weight that cost nothing.
    /// </summary>
    public double ContentWeight { get; set; } = 0.25;

    /// <summary>How many candidates the embedding, and the item-to-item weights, each add to those of the neighbourhoods.</summary>
    public int EmbeddingCandidates { get; set; } = 100;

    /// <summary>Train a new embedding model this often; zero: only on demand (and after erasures).</summary>
    public TimeSpan EmbeddingTrainEvery { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Each silo asks the trainer this often whether a training is due (schedule, or erasures a retraining missed).</summary>
    public TimeSpan EmbeddingScheduleCheck { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// An erasure (or a withdrawn consent) starts a retraining this long after it, so that the trained model forgets
    /// the shopper soon; the erasures of a burst that arrive meanwhile share that one training. Zero: at once. The
    /// model is clean within this plus a training plus <see cref="EmbeddingRefreshPeriod"/> (docs/privacy.md).
    /// </summary>
    public TimeSpan EmbeddingErasureRetrainDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A silo asks the trainer for the current model version at most this often; zero: on every use (tests and
    /// tools, where a new model must be seen at once). A new version is picked up within this period.
    /// </summary>
    public TimeSpan EmbeddingRefreshPeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A recommendation fans out to the neighbourhoods of this many top history items (H).</summary>
    public int HistoryFanOut { get; set; } = 20;

    /// <summary>
    /// How long an item serves a neighbourhood before checking whether its inputs moved (its own counts, the index
    /// shards it looked candidates up in) and, if they did, computing it again: changes of its own co-occurrence
    /// counts and of other items' occurrence counts show within this time. Zero means check on every read.
    /// </summary>
    public TimeSpan NeighbourhoodMaxAge { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Length of the item and user embeddings (implicit ALS factors).</summary>
    public int EmbeddingFactors { get; set; } = 64;

    /// <summary>ALS regularisation lambda (chosen with the confidence scale on a validation window, docs/quality.md).</summary>
    public double EmbeddingRegularization { get; set; } = 10;

    /// <summary>ALS confidence scale alpha: confidence is 1 + alpha * a(u,i), the user's decayed affinity.</summary>
    public double EmbeddingConfidenceScale { get; set; } = 0.5;

    /// <summary>ALS sweeps (each solves all users, then all items).</summary>
    public int EmbeddingSweeps { get; set; } = 10;

    /// <summary>Seed of the initial item vectors: the same histories and seed give the same model.</summary>
    public int EmbeddingSeed { get; set; } = 42;

    /// <summary>
    /// Partitions of a published embedding model. Each is one stored row (the table row limit is 1 MiB): a shard
    /// holds its share of the item-to-item weights (about 450 KB at 5,000 items and 100 weights over 16 shards) and
    /// 256 bytes per item at 64 factors, so 16 shards suit catalogues up to about 35,000 items.
    /// </summary>
    public int EmbeddingShards { get; set; } = 16;

    /// <summary>Partitions of the item index; must be the same on every silo of a cluster.</summary>
    public int IndexShards { get; set; } = 8;

    /// <summary>
    /// Shopper segments k-means makes at each training over the shoppers' ALS vectors (0: no segments). The default was
    /// chosen on the validation window by the segment fill's score (docs/quality.md, "Shopper segments").
    /// </summary>
    public int Segments { get; set; } = 4;

    /// <summary>
    /// The fewest training shoppers a published segment holds: smaller clusters are dissolved into their neighbours, so
    /// a segment's top categories and popular items are never those of a few identifiable people (docs/privacy.md).
    /// </summary>
    public int SegmentMinShoppers { get; set; } = 50;

    /// <summary>
    /// Shoppers with at most this many history items get their segment's popular items as the fill before global
    /// popularity (0: the segment fill is off); heavier shoppers' lists are full of their own signals anyway.
    /// </summary>
    public int SegmentFillMaxItems { get; set; } = 2;

    /// <summary>
    /// What is wrong with these settings, one sentence each naming the setting (empty: usable). A value the model
    /// cannot work with fails the silo's start (and evaluate's command line) rather than its first events.
    /// </summary>
    public IEnumerable<string> Problems()
    {
        static string Name(string setting) => $"{SectionName}:{setting}";

        foreach (var (setting, value, minimum) in new (string, int, int)[]
                 {
                     (nameof(HistoryLimit), HistoryLimit, 1), (nameof(NeighbourhoodSize), NeighbourhoodSize, 1),
                     (nameof(MinSupport), MinSupport, 1), (nameof(EaseMaxItems), EaseMaxItems, 0),
                     (nameof(EaseNeighbours), EaseNeighbours, 1), (nameof(EmbeddingCandidates), EmbeddingCandidates, 0),
                     (nameof(HistoryFanOut), HistoryFanOut, 1), (nameof(EmbeddingFactors), EmbeddingFactors, 1),
                     (nameof(EmbeddingSweeps), EmbeddingSweeps, 1), (nameof(EmbeddingShards), EmbeddingShards, 1),
                     (nameof(IndexShards), IndexShards, 1), (nameof(Segments), Segments, 0),
                     (nameof(SegmentMinShoppers), SegmentMinShoppers, 1), (nameof(SegmentFillMaxItems), SegmentFillMaxItems, 0),
                 })
        {
            if (value < minimum) yield return $"{Name(setting)} is {value}; it must be at least {minimum}.";
        }

        // Nothing here may be negative or non-finite. Event weights and the regularisations must also be above zero: a
        // zero event weight would erase what a shopper did, a zero lambda leaves the least-squares solves singular.
        foreach (var (setting, value, zeroAllowed) in new (string, double, bool)[]
                 {
                     (nameof(ViewWeight), ViewWeight, false), (nameof(CartWeight), CartWeight, false),
                     (nameof(PurchaseWeight), PurchaseWeight, false), (nameof(EaseRegularization), EaseRegularization, false),
                     (nameof(EmbeddingRegularization), EmbeddingRegularization, false),
                     (nameof(NeighbourhoodWeight), NeighbourhoodWeight, true), (nameof(EmbeddingWeight), EmbeddingWeight, true),
                     (nameof(RepeatWeight), RepeatWeight, true), (nameof(EaseWeight), EaseWeight, true),
                     (nameof(ContentSupport), ContentSupport, true), (nameof(ContentWeight), ContentWeight, true),
                     (nameof(EmbeddingConfidenceScale), EmbeddingConfidenceScale, true),
                 })
        {
            if (!double.IsFinite(value) || value < 0 || (value == 0 && !zeroAllowed))
            {
                yield return $"{Name(setting)} is {value}; it must be a finite number {(zeroAllowed ? "of at least 0" : "above 0")}.";
            }
        }

        foreach (var (setting, value, zeroAllowed) in new (string, TimeSpan, bool)[]
                 {
                     (nameof(HistoryMaxAge), HistoryMaxAge, false), (nameof(HalfLife), HalfLife, false),
                     (nameof(RepeatHalfLife), RepeatHalfLife, false), (nameof(EmbeddingScheduleCheck), EmbeddingScheduleCheck, false),
                     (nameof(EaseHalfLife), EaseHalfLife, true), (nameof(EmbeddingTrainEvery), EmbeddingTrainEvery, true),
                     (nameof(EmbeddingRefreshPeriod), EmbeddingRefreshPeriod, true), (nameof(NeighbourhoodMaxAge), NeighbourhoodMaxAge, true),
                     (nameof(EmbeddingErasureRetrainDelay), EmbeddingErasureRetrainDelay, true),
                 })
        {
            if (value < TimeSpan.Zero || (value == TimeSpan.Zero && !zeroAllowed))
            {
                yield return $"{Name(setting)} is {value}; it must be {(zeroAllowed ? "zero or longer" : "longer than zero")}.";
            }
        }

        if (!Enum.IsDefined(Similarity))
        {
            yield return $"{Name(nameof(Similarity))} is {Similarity}; it must be one of {string.Join(", ", Enum.GetNames<SimilarityKind>())}.";
        }
    }
}
