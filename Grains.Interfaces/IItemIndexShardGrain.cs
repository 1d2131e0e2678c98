namespace OrleansReco.Grains.Interfaces;

/// <summary>
/// One partition of the item index (keyed by shard number): the occurrence counts, categories and popularity of
/// the items that hash to it. Partitioned so that no single grain sees every event.
/// </summary>
[Alias("OrleansReco.IItemIndexShardGrain")]
public interface IItemIndexShardGrain : IGrainWithIntegerKey, ICheckpointedGrain
{
    /// <summary>
    /// Replaces what the shard knows of the reported items, unless it knows a newer version. Absolute values, so a
    /// repeated report is harmless. Returns the receipt of the checkpoint that will hold them.
    /// </summary>
    [Alias("Report"), ResponseTimeout("00:00:10")]
    Task<CheckpointReceipt> Report([Immutable] IReadOnlyList<ItemStats> reports);

    /// <summary>The stats of the given items (items the shard has never heard of are left out), with the shard's version.</summary>
    [Alias("Lookup")]
    Task<IndexLookup> Lookup(IReadOnlyList<string> itemIds);

    /// <summary>The shard's version: it changes with everything the shard holds, so an unchanged one means unchanged stats.</summary>
    [Alias("GetVersion")]
    Task<IndexVersion> GetVersion();

    /// <summary>
    /// The shard's items with ids after <paramref name="after"/> in ordinal order, at most <paramref name="count"/>,
    /// optionally of one category: the shard's part of a catalogue page.
    /// </summary>
    [Alias("ListItems")]
    Task<IReadOnlyList<ItemStats>> ListItems(string? category, string? after, int count);

    /// <summary>
    /// The shard's available items whose catalogue terms are most like <paramref name="terms"/> (joined by spaces),
    /// leaving out <paramref name="excludeItemId"/>, TF-IDF weights from the shard's own items: the best
    /// <paramref name="count"/> by similarity, and the best <paramref name="count"/> by similarity times the content
    /// share of each (<paramref name="support"/> / (<paramref name="support"/> + its occurrence)), so that new items
    /// are found among many established ones with closer texts.
    /// </summary>
    [Alias("ContentMatches")]
    Task<ContentLookup> ContentMatches(string terms, string excludeItemId, int count, double support);

    /// <summary>The shard's most popular available items, optionally of one category.</summary>
    [Alias("TopPopular")]
    Task<IReadOnlyList<ItemStats>> TopPopular(int count, string? category);
}
