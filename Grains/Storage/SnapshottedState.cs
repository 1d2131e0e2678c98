namespace OrleansReco.Grains.Storage;

/// <summary>A grain state whose one large map is persisted as a <see cref="SnapshottedMap{TKey,TValue}"/>.</summary>
public interface ISnapshottedState<TSelf, TKey, TValue> where TKey : notnull
{
    /// <summary>In a snapshot row the whole map; in the head row the entries changed since the snapshot at <see cref="BaseVersion"/>.</summary>
    Dictionary<TKey, TValue> Map { get; set; }

    /// <summary>Grows with every change of the state.</summary>
    long Version { get; }

    /// <summary>Head row: version of the snapshot its map builds on (0: none). Snapshot row: 0.</summary>
    long BaseVersion { get; set; }

    /// <summary>
    /// A snapshot row: a copy of the state with the whole map <paramref name="current"/>, sharing nothing the grain
    /// changes later. The map is the grain's own and changes after this returns: copy or encode it now.
    /// </summary>
    TSelf SnapshotOf(IReadOnlyDictionary<TKey, TValue> current);
}

/// <summary>
/// The two rows of a grain state with a <see cref="SnapshottedMap{TKey,TValue}"/>: the head, written on every change,
/// and the snapshot, written when the map's changes have grown enough. Each row is written whole and on its own, and
/// whichever of the two is newer on restore wins, so a crash between any two writes leaves a consistent state; a
/// snapshot holds everything the head does, delivery ids included, so it acknowledges what it contains.
/// Call <see cref="Restore"/> in OnActivateAsync and use <see cref="WriteAsync"/> as the grain's only write, one at
/// a time (a <see cref="CoalescingStateWriter"/> does that).
/// </summary>
public sealed class SnapshottedState<TState, TKey, TValue>(IPersistentState<TState> head, IPersistentState<TState> snapshot)
    where TState : class, ISnapshottedState<TState, TKey, TValue>, new()
    where TKey : notnull
{
    private SnapshottedMap<TKey, TValue> _map = null!;

    /// <summary>The current state; its <see cref="ISnapshottedState{TSelf,TKey,TValue}.Map"/> holds only the changes: read <see cref="Map"/>.</summary>
    public TState State => head.State;

    public SnapshottedMap<TKey, TValue> Map => _map;

    public void Restore()
    {
        var stored = snapshot.State;
        if (stored.Version > head.State.Version)
        {
            head.State = stored;
            _map = SnapshottedMap<TKey, TValue>.FromSnapshot(stored.Map, stored.Version);
        }
        else
        {
            _map = SnapshottedMap<TKey, TValue>.Restore(stored.Map, stored.Version, head.State.Map, head.State.BaseVersion, head.State.Version);
        }
        head.State.Map = _map.Changes;
        head.State.BaseVersion = _map.BaseVersion;
        snapshot.State = new TState(); // the map lives on in Map.Current; keep one copy in memory
    }

    public async Task WriteAsync()
    {
        if (!_map.SnapshotDue)
        {
            _map.HeadWriting();
            await head.WriteStateAsync();
            return;
        }

        var written = head.State.SnapshotOf(_map.Current);
        _map.SnapshotTaken();
        written.BaseVersion = 0;
        snapshot.State = written;
        await snapshot.WriteStateAsync();
        snapshot.State = new TState();
        _map.SnapshotWritten(written.Version);
        head.State.Map = _map.Changes;
        head.State.BaseVersion = _map.BaseVersion;
    }
}
