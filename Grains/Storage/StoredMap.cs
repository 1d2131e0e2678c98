namespace OrleansReco.Grains.Storage;

/// <summary>How the entries of a <see cref="StoredMap{TKey,TValue}"/> are written in its rows.</summary>
public interface IEntryCodec<TKey, TValue>
{
    void WriteKey(BinaryWriter writer, TKey key);

    TKey ReadKey(BinaryReader reader);

    void WriteValue(BinaryWriter writer, TValue value);

    TValue ReadValue(BinaryReader reader, TKey key);
}

/// <summary>A map of an aggregate grain's state as <see cref="AggregateRows{THeader}"/> stores it, whatever its types.</summary>
public interface IStoredMap
{
    /// <summary>Keys changed since the last checkpoint began.</summary>
    int Changes { get; }

    /// <summary>Loads the map from its segments' rows, as the head lists them.</summary>
    void Restore(StoredMapManifest manifest, IReadOnlyDictionary<string, byte[]> rows);

    /// <summary>
    /// Plans and encodes this map's part of a checkpoint, now, on the grain's turn; null when nothing changed. A segment
    /// of at most <paramref name="maxInlineBytes"/> is held in the head rather than in rows of its own.
    /// </summary>
    PreparedSegment? Prepare(string segmentName, int maxRowBytes, int maxInlineBytes);

    /// <summary>The map's manifest as it will be once <paramref name="prepared"/> (null: nothing) is committed.</summary>
    StoredMapManifest ManifestAfter(PreparedSegment? prepared);

    void Committed(PreparedSegment prepared);
}

/// <summary>One map's part of a checkpoint: the rows of its new segment, and the rows it replaces.</summary>
public sealed record PreparedSegment(object Plan, StoredSegment Segment, IReadOnlyList<byte[]> Rows, IReadOnlyList<string> ReplacedRows);

/// <summary>
/// A large map of an aggregate grain (an item's co-occurrence counts, an index shard's item stats) as it lives in memory
/// (<see cref="Current"/>, which the grain reads and changes in place, telling the map which keys it changed) and as it
/// is stored, in segments over as many rows as it needs (<see cref="SegmentLog{TKey}"/>): what a checkpoint writes
/// grows with what changed, not with the map.
/// </summary>
public sealed class StoredMap<TKey, TValue> : IStoredMap where TKey : notnull
{
    private const byte FormatVersion = 1;
    private const byte Removed = 0;
    private const byte Present = 1;

    private readonly IEntryCodec<TKey, TValue> _codec;
    private HashSet<TKey> _changed;
    private SegmentLog<TKey> _log = new();

    public StoredMap(IEntryCodec<TKey, TValue> codec, IEqualityComparer<TKey>? comparer = null)
    {
        _codec = codec;
        Current = new Dictionary<TKey, TValue>(comparer);
        _changed = new HashSet<TKey>(comparer);
    }

    public Dictionary<TKey, TValue> Current { get; }

    public int Changes => _changed.Count;

    /// <summary>Records that <paramref name="key"/>'s entry in <see cref="Current"/> was set or removed (a change callback's shape: it also hears the new value).</summary>
    public void MarkChanged(TKey key, TValue _) => _changed.Add(key);

    public void Set(TKey key, TValue value)
    {
        Current[key] = value;
        _changed.Add(key);
    }

    public void Remove(TKey key)
    {
        if (Current.Remove(key)) _changed.Add(key);
    }

    public void Restore(StoredMapManifest manifest, IReadOnlyDictionary<string, byte[]> rows)
    {
        Current.Clear();
        _changed.Clear();
        SegmentLog<TKey>.Segment? restoredBase = null;
        if (manifest.Base is { } stored)
        {
            foreach (var (key, present, value) in Read(stored, rows))
            {
                if (present) Current[key] = value!;
            }
            restoredBase = new SegmentLog<TKey>.Segment(stored, null);
        }
        var deltas = new List<SegmentLog<TKey>.Segment>(manifest.Deltas.Count);
        foreach (var delta in manifest.Deltas)
        {
            var keys = new HashSet<TKey>(Current.Comparer);
            foreach (var (key, present, value) in Read(delta, rows))
            {
                keys.Add(key);
                if (present) Current[key] = value!;
                else Current.Remove(key);
            }
            deltas.Add(new SegmentLog<TKey>.Segment(delta, keys));
        }
        _log = SegmentLog<TKey>.Restore(restoredBase, deltas);
    }

    public PreparedSegment? Prepare(string segmentName, int maxRowBytes, int maxInlineBytes)
    {
        var plan = _log.PlanCheckpoint(_changed, Current.Count);
        if (plan is null)
        {
            return null;
        }
        _changed = new HashSet<TKey>(Current.Comparer); // the plan keeps the old set: these keys are written now
        var (pageRows, entries) = plan.IsBase ? Encode(Current.Keys, maxRowBytes) : Encode(plan.Keys!, maxRowBytes);
        var inline = pageRows is [{ } only] && only.Length <= maxInlineBytes;
        var segment = inline
            ? new StoredSegment(segmentName, 0, entries, pageRows[0])
            : new StoredSegment(segmentName, pageRows.Count, entries);
        var replacedRows = plan.Replaced.SelectMany(s => s.Stored.RowNames()).ToList();
        return new PreparedSegment(plan, segment, inline ? [] : pageRows, replacedRows);
    }

    public StoredMapManifest ManifestAfter(PreparedSegment? prepared)
    {
        var (@base, deltas) = (_log.Base?.Stored, _log.Deltas.Select(d => d.Stored).ToList());
        if (prepared is null)
        {
            return new StoredMapManifest(@base, deltas);
        }
        var plan = (SegmentLog<TKey>.Plan)prepared.Plan;
        if (plan.IsBase)
        {
            return new StoredMapManifest(prepared.Segment, []);
        }
        deltas.RemoveRange(deltas.Count - plan.Replaced.Count, plan.Replaced.Count);
        deltas.Add(prepared.Segment);
        return new StoredMapManifest(@base, deltas);
    }

    public void Committed(PreparedSegment prepared)
    {
        var plan = (SegmentLog<TKey>.Plan)prepared.Plan;
        _log.Committed(plan, new SegmentLog<TKey>.Segment(prepared.Segment, plan.IsBase ? null : plan.Keys));
    }

    /// <summary>Each key with its current value, or as removed, in rows of at most <paramref name="maxRowBytes"/>.</summary>
    private (List<byte[]> Rows, int Entries) Encode(IEnumerable<TKey> keys, int maxRowBytes)
    {
        var rows = new List<byte[]>();
        var entries = 0;
        using var buffer = new MemoryStream();
        using var writer = new BinaryWriter(buffer);
        writer.Write(FormatVersion);
        foreach (var key in keys)
        {
            var entryStart = buffer.Position;
            WriteEntry(writer, key);
            entries++;
            if (buffer.Position <= maxRowBytes)
            {
                continue;
            }
            if (entryStart > 1)
            {
                // The entry does not fit: the row ends before it, and it starts the next one.
                rows.Add(buffer.GetBuffer().AsSpan(0, (int)entryStart).ToArray());
                buffer.SetLength(0);
                writer.Write(FormatVersion);
                WriteEntry(writer, key);
            }
            if (buffer.Position > maxRowBytes)
            {
                throw new InvalidOperationException($"One entry of a stored map takes {buffer.Position - 1} bytes, more than a row holds ({maxRowBytes}).");
            }
        }
        if (buffer.Length > 1 || rows.Count == 0)
        {
            rows.Add(buffer.ToArray());
        }
        return (rows, entries);
    }

    private void WriteEntry(BinaryWriter writer, TKey key)
    {
        if (Current.TryGetValue(key, out var value))
        {
            writer.Write(Present);
            _codec.WriteKey(writer, key);
            _codec.WriteValue(writer, value);
        }
        else
        {
            writer.Write(Removed);
            _codec.WriteKey(writer, key);
        }
    }

    private IEnumerable<(TKey Key, bool Present, TValue? Value)> Read(StoredSegment segment, IReadOnlyDictionary<string, byte[]> rows)
    {
        var pages = segment.Inline is { } inline ? [inline] : segment.RowNames().Select(name => rows.TryGetValue(name, out var row)
            ? row
            : throw new InvalidDataException($"Stored aggregate rows are incomplete: the head lists row {name}, which is not stored."));
        foreach (var row in pages)
        {
            using var reader = new BinaryReader(new MemoryStream(row, writable: false));
            if (reader.ReadByte() != FormatVersion)
            {
                throw new InvalidDataException($"A segment ({segment.Name}) of a stored map is of an unknown format.");
            }
            while (reader.BaseStream.Position < row.Length)
            {
                var present = reader.ReadByte() == Present;
                var key = _codec.ReadKey(reader);
                yield return present ? (key, true, _codec.ReadValue(reader, key)) : (key, false, default);
            }
        }
    }
}
