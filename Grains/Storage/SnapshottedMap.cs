namespace OrleansReco.Grains.Storage;

/// <summary>
/// A large map in grain state, kept cheap to persist. The grain writes the whole map rarely (a snapshot row) and
/// otherwise only the entries changed since that snapshot (in its head row), so a write costs about what changed,
/// not the map's size: an item's co-occurrence row has thousands of entries, and one event changes a few dozen.
/// <para>
/// A change is kept as the entry's absolute value (the default value meaning "absent"), so laying the head's
/// changes over any snapshot taken between the head's base and the head itself gives the map at the head exactly:
/// every entry that moved since the base is in the changes with its value at the head, and every other entry has
/// had the same value all along. That is what makes the two rows safe to write one at a time, in any outcome.
/// </para>
/// A snapshot is due once the heads written since the last one have cost as much as a snapshot would (the sum of
/// their sizes reaches the map's size): the rent-or-buy rule. Heads and snapshots then cost about the same in total,
/// and a map that changes fast is snapshotted more often than a quiet one, with nothing to tune.
/// </summary>
public sealed class SnapshottedMap<TKey, TValue> where TKey : notnull
{
    /// <summary>Below this many entries a snapshot is cheap anyway; avoids snapshotting a small map every write.</summary>
    private const int MinimumSnapshotCost = 64;

    private long _headCostSinceSnapshot;

    /// <summary>While a snapshot is being written: the entries changed since it was taken, with their values now.</summary>
    private Dictionary<TKey, TValue>? _changedSinceSnapshotTaken;

    private SnapshottedMap(Dictionary<TKey, TValue> current, Dictionary<TKey, TValue> changes, long baseVersion)
    {
        Current = current;
        Changes = changes;
        BaseVersion = baseVersion;
    }

    /// <summary>The whole map, for the grain to read and change in place (then call <see cref="MarkChanged"/>).</summary>
    public Dictionary<TKey, TValue> Current { get; }

    /// <summary>Entries changed since the snapshot at <see cref="BaseVersion"/>: what the head row holds.</summary>
    public Dictionary<TKey, TValue> Changes { get; private set; }

    /// <summary>Version of the snapshot the changes are relative to; 0 when there is none.</summary>
    public long BaseVersion { get; private set; }

    public bool SnapshotDue => _headCostSinceSnapshot >= Math.Max(MinimumSnapshotCost, Current.Count);

    /// <summary>
    /// The map as stored: <paramref name="snapshot"/> (empty with version 0 when never written) and the head's
    /// <paramref name="headChanges"/>, relative to the snapshot at <paramref name="headBaseVersion"/>, at
    /// <paramref name="headVersion"/>. Takes ownership of the snapshot's map. A snapshot newer than the head means
    /// the head row was not rewritten after it: the grain must then restore the rest of its state from the snapshot
    /// too, and pass the snapshot's own map with no changes.
    /// </summary>
    public static SnapshottedMap<TKey, TValue> Restore(
        Dictionary<TKey, TValue> snapshot, long snapshotVersion,
        IReadOnlyDictionary<TKey, TValue> headChanges, long headBaseVersion, long headVersion)
    {
        if (snapshotVersion > headVersion)
        {
            throw new ArgumentException("A snapshot newer than the head replaces it: restore from the snapshot alone.", nameof(snapshotVersion));
        }
        if (snapshotVersion < headBaseVersion)
        {
            // Cannot happen with the write order of this class: a head names a snapshot only after it was written.
            throw new InvalidOperationException(
                $"Stored state is inconsistent: the head at version {headVersion} builds on snapshot version {headBaseVersion}, the stored snapshot is version {snapshotVersion}.");
        }

        var changes = new Dictionary<TKey, TValue>(snapshot.Comparer);
        foreach (var (key, value) in headChanges)
        {
            Put(snapshot, key, value);
            changes[key] = value;
        }
        return new SnapshottedMap<TKey, TValue>(snapshot, changes, headBaseVersion);
    }

    /// <summary>
    /// Records that <paramref name="key"/>'s entry in <see cref="Current"/> was set to <paramref name="valueNow"/>
    /// (default: removed). The caller passes the value it just wrote, which saves looking it up again.
    /// </summary>
    public void MarkChanged(TKey key, TValue valueNow)
    {
        Changes[key] = valueNow;
        if (_changedSinceSnapshotTaken is not null) _changedSinceSnapshotTaken[key] = valueNow;
    }

    /// <summary>
    /// Call when taking a snapshot of <see cref="Current"/> to write, before <see cref="Current"/> changes again (the
    /// caller encodes it now, so no copy of the map is made). From here on, changes are also tracked against it.
    /// </summary>
    public void SnapshotTaken() => _changedSinceSnapshotTaken = new Dictionary<TKey, TValue>(Current.Comparer);

    /// <summary>Call before writing the head row: counts what heads cost since the last snapshot.</summary>
    public void HeadWriting() => _headCostSinceSnapshot += Changes.Count;

    /// <summary>
    /// The snapshot last taken, at <paramref name="version"/>, is durable: later heads build on it and carry only the
    /// entries changed since it was taken (every other entry has had its value in the snapshot all along).
    /// Replaces <see cref="Changes"/> with a new map.
    /// </summary>
    public void SnapshotWritten(long version)
    {
        Changes = _changedSinceSnapshotTaken
            ?? throw new InvalidOperationException("No snapshot was taken: call SnapshotTaken when taking one.");
        _changedSinceSnapshotTaken = null;
        BaseVersion = version;
        _headCostSinceSnapshot = 0;
    }

    /// <summary>A map restored from a snapshot that is newer than its head.</summary>
    public static SnapshottedMap<TKey, TValue> FromSnapshot(Dictionary<TKey, TValue> snapshot, long snapshotVersion) =>
        new(snapshot, new Dictionary<TKey, TValue>(snapshot.Comparer), snapshotVersion);

    private static void Put(Dictionary<TKey, TValue> map, TKey key, TValue value)
    {
        if (EqualityComparer<TValue>.Default.Equals(value, default!)) map.Remove(key);
        else map[key] = value;
    }
}
