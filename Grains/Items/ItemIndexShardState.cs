using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Storage;

namespace OrleansReco.Grains.Items;

/// <summary>
/// One index shard's persisted state, stored as two rows (see <see cref="SnapshottedState{TState,TKey,TValue}"/>):
/// the head, with the items whose stats changed since the snapshot, and the snapshot, with all of them.
/// </summary>
[GenerateSerializer, Alias("OrleansReco.ItemIndexShardState")]
public sealed class ItemIndexShardState : ISnapshottedState<ItemIndexShardState, string, ItemStats?>
{
    [Id(0)] public Dictionary<string, ItemStats?> Items { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Grows with every report taken.</summary>
    [Id(1)] public long Version { get; set; }

    [Id(2)] public long BaseVersion { get; set; }

    Dictionary<string, ItemStats?> ISnapshottedState<ItemIndexShardState, string, ItemStats?>.Map
    {
        get => Items;
        set => Items = value;
    }

    public ItemIndexShardState SnapshotOf(IReadOnlyDictionary<string, ItemStats?> current) =>
        new() { Items = new Dictionary<string, ItemStats?>(current, StringComparer.Ordinal), Version = Version, BaseVersion = BaseVersion };
}
