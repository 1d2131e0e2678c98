namespace OrleansReco.Grains.Interfaces;

/// <summary>Catalogue data of one product, as the catalog role sends it.</summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.ItemDetails")]
public sealed record ItemDetails(
    string? Title,
    string? Category,
    IReadOnlyList<string> Tags,
    decimal? Price,
    bool Available);

/// <summary>
/// What one user's history change does to one item: its occurrence count, its co-occurrence counts with other
/// items and its popularity buckets. <see cref="DeliveryId"/> is random per user-side batch, so a redelivery is
/// recognised without the item ever learning who sent it. The co-item deltas travel packed
/// (<see cref="CountMapPacking"/>): a change carries one per co-item, and every change reaches every item it moves.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.ItemContribution")]
public sealed record ItemContribution(
    Guid DeliveryId,
    int OccurrenceDelta,
    byte[] PackedCoItems,
    IReadOnlyList<PopularityDelta> Popularity)
{
    public ItemContribution(Guid deliveryId, int occurrenceDelta, IReadOnlyDictionary<string, int> coItems, IReadOnlyList<PopularityDelta> popularity)
        : this(deliveryId, occurrenceDelta, CountMapPacking.Pack(coItems), popularity)
    {
    }

    /// <summary>The change of this item's co-occurrence count with each other item.</summary>
    public IEnumerable<KeyValuePair<string, int>> CoItems => CountMapPacking.Read(PackedCoItems);
}

/// <summary>A change of the item's popularity in one day bucket, in thousandths of an event weight (exact to retract).</summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.PopularityDelta")]
public sealed record PopularityDelta(int Day, long MilliWeight);

/// <summary>
/// One entry of an item's neighbourhood. <see cref="Similarity"/> blends co-occurrence and content (catalogue text)
/// similarity; <see cref="Content"/> is the content part alone, and <see cref="Support"/> 0 marks a neighbour from
/// content only.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.Neighbour")]
public sealed record Neighbour(string ItemId, double Similarity, int Support, string? Category, bool Available, double Content = 0);

/// <summary>
/// What a recommendation reads of one history item: its neighbourhood, and the items most like it by content
/// weighted by how little co-occurrence they have (<see cref="NewByContent"/>: how new products reach shoppers).
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.ItemNeighbourhood")]
public sealed record ItemNeighbourhood(IReadOnlyList<Neighbour> Neighbours, IReadOnlyList<Neighbour> NewByContent);

/// <summary>An item whose catalogue text is like a query's: what an index shard answers from its content index.</summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.ContentMatch")]
public sealed record ContentMatch(string ItemId, double Similarity, int Occurrence, string? Category);

/// <summary>A shard's content matches and the version of the shard they are of.</summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.ContentLookup")]
public sealed record ContentLookup(IndexVersion Version, IReadOnlyList<ContentMatch> Found);

/// <summary>The raw aggregates an item grain holds: what the invariant tests and the erasure proof compare.</summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.ItemCounts")]
public sealed record ItemCounts(
    int Occurrence,
    IReadOnlyDictionary<string, int> CoOccurrence,
    IReadOnlyDictionary<int, long> PopularityMilliWeights);

/// <summary>
/// What an item publishes to its index shard: enough to normalise similarities and rank popularity.
/// <see cref="Version"/> grows with every change of the item, so a late report never overwrites a newer one.
/// <see cref="PopularityLog2"/> is log2 of the popularity decayed to day 0 (see the model's PopularityMath).
/// <see cref="Terms"/> are the item's catalogue terms joined by spaces (the model's ContentText), null without text:
/// the shard's content index is built from them.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.ItemStats")]
public sealed record ItemStats(
    string ItemId,
    long Version,
    int Occurrence,
    double PopularityLog2,
    int? NewestDay,
    string? Category,
    bool Available,
    string? Terms = null);

/// <summary>
/// Which state of an index shard an answer came from: equal versions mean equal contents. <see cref="Activation"/> is
/// random per activation of the shard, so a shard that restarted from an older stored state never repeats a version
/// it gave before with other contents.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.IndexVersion")]
public sealed record IndexVersion(Guid Activation, long Changes);

/// <summary>The stats an index shard holds of the asked items (those it knows), and the version they are of.</summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.IndexLookup")]
public sealed record IndexLookup(IndexVersion Version, IReadOnlyList<ItemStats> Found);

/// <summary>
/// One item of a catalogue page: its catalogue data, or null for an item known only from shoppers' events (its
/// category and availability then come from the index).
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.CatalogueItem")]
public sealed record CatalogueItem(string ItemId, string? Category, bool Available, ItemDetails? Details);

/// <summary>An item in a popularity list; <see cref="Score"/> is the decayed event weight as of the newest event.</summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.PopularItem")]
public sealed record PopularItem(string ItemId, double Score, string? Category);
