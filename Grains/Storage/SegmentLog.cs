namespace OrleansReco.Grains.Storage;

/// <summary>
/// Where the entries of one stored map are: a base segment that held every live entry when it was written, then delta
/// segments, oldest first, each holding the entries that changed in the checkpoints it covers with their values then
/// (an absent value: removed). Laying the deltas over the base in order gives the map.
/// <para>
/// A checkpoint writes what changed since the last one as a new delta, and folds into it the newest deltas that are not
/// more than twice its size (writing their keys' current values), so delta sizes fall geometrically from oldest to
/// newest: a map is stored in at most about log2(size) segments, and an entry is rewritten about log2 times before the
/// next base. Once the deltas hold as many entries as the map, the checkpoint writes a new base instead (rent or buy).
/// What a checkpoint writes is thus proportional, within a logarithm, to what changed, however large the map.
/// </para>
/// Pure bookkeeping: which keys a checkpoint must write, and which segments that replaces; the caller encodes and
/// stores them.
/// </summary>
public sealed class SegmentLog<TKey> where TKey : notnull
{
    private readonly List<Segment> _deltas = [];

    /// <summary>The base segment, or null when the map has never been written.</summary>
    public Segment? Base { get; private set; }

    /// <summary>The delta segments, oldest first.</summary>
    public IReadOnlyList<Segment> Deltas => _deltas;

    /// <summary>A stored segment as the head lists it and, for a delta, which keys it holds.</summary>
    public sealed record Segment(StoredSegment Stored, IReadOnlyCollection<TKey>? Keys)
    {
        public int Entries => Stored.Entries;
    }

    /// <summary>What a checkpoint writes: a new base (every live entry) or a new delta (<see cref="Keys"/>), replacing <see cref="Replaced"/>.</summary>
    public sealed record Plan(bool IsBase, IReadOnlyCollection<TKey>? Keys, IReadOnlyList<Segment> Replaced);

    /// <summary>The log as stored: the base (if any) and the deltas oldest first.</summary>
    public static SegmentLog<TKey> Restore(Segment? @base, IEnumerable<Segment> deltas)
    {
        var log = new SegmentLog<TKey> { Base = @base };
        log._deltas.AddRange(deltas);
        return log;
    }

    /// <summary>
    /// What the next checkpoint writes for a map of <paramref name="live"/> entries whose <paramref name="changed"/>
    /// keys moved since the last one; null when nothing moved.
    /// </summary>
    public Plan? PlanCheckpoint(IReadOnlyCollection<TKey> changed, int live)
    {
        if (changed.Count == 0)
        {
            return null;
        }
        var deltaEntries = changed.Count + _deltas.Sum(d => d.Entries);
        if (Base is null || deltaEntries >= live)
        {
            var replaced = new List<Segment>(_deltas.Count + 1);
            if (Base is not null) replaced.Add(Base);
            replaced.AddRange(_deltas);
            return new Plan(IsBase: true, Keys: null, replaced);
        }

        HashSet<TKey>? merged = null;
        var absorbed = new List<Segment>();
        for (var i = _deltas.Count - 1; i >= 0; i--)
        {
            var size = merged?.Count ?? changed.Count;
            if (_deltas[i].Entries > 2 * size)
            {
                break;
            }
            merged ??= new HashSet<TKey>(changed, (changed as HashSet<TKey>)?.Comparer);
            merged.UnionWith(_deltas[i].Keys!);
            absorbed.Add(_deltas[i]);
        }
        return new Plan(IsBase: false, (IReadOnlyCollection<TKey>?)merged ?? changed, absorbed);
    }

    /// <summary>The checkpoint of <paramref name="plan"/> is durable as <paramref name="written"/>.</summary>
    public void Committed(Plan plan, Segment written)
    {
        if (plan.IsBase)
        {
            Base = written;
            _deltas.Clear();
            return;
        }
        // Absorbed deltas are always the newest ones.
        _deltas.RemoveRange(_deltas.Count - plan.Replaced.Count, plan.Replaced.Count);
        _deltas.Add(written);
    }
}
