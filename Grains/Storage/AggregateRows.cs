using System.Diagnostics;
using System.Security.Cryptography;
using Orleans.Serialization;
using OrleansReco.Grains.Hosting;

namespace OrleansReco.Grains.Storage;

/// <summary>
/// A segment of a stored map, as the head lists it: in <see cref="Rows"/> rows of its own, or, when small, held in the
/// head itself (<see cref="Inline"/>), so that a checkpoint of a few entries writes one row, not three.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.StoredSegment")]
public sealed record StoredSegment(string Name, int Rows, int Entries, byte[]? Inline = null)
{
    /// <summary>The names of the segment's rows.</summary>
    public IEnumerable<string> RowNames() => Enumerable.Range(0, Rows).Select(page => $"{Name}.{page}");
}

/// <summary>Where one stored map's entries are: its base segment, then its deltas, oldest first.</summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.StoredMapManifest")]
public sealed record StoredMapManifest(StoredSegment? Base, IReadOnlyList<StoredSegment> Deltas)
{
    public static readonly StoredMapManifest Empty = new(null, []);
}

/// <summary>
/// The head row of an aggregate grain: its small state (<see cref="Header"/>), where each of its maps is stored, and
/// rows to delete that no head lists any more. Writing it is what commits a checkpoint.
/// </summary>
[GenerateSerializer, Alias("OrleansReco.AggregateHead")]
public sealed class AggregateHead<THeader>
{
    [Id(0)] public THeader? Header { get; set; }
    [Id(1)] public List<StoredMapManifest> Maps { get; set; } = [];
    [Id(2)] public List<string> Garbage { get; set; } = [];
}

/// <summary>
/// What an aggregate grain has in storage (<see cref="IAggregateRowStore"/>) and how it gets there: the header (the
/// grain's small state) and its large maps, each over as many rows as it needs. A checkpoint writes each changed map's
/// new segment and the head, which lists every row that counts, in one commit: the head's ETag makes a stale activation
/// fail rather than overwrite, and a row the head does not list is garbage, deleted by a later checkpoint. The one class
/// that owns an aggregate grain's stored state; the grain says what changed.
/// </summary>
public sealed class AggregateRows<THeader> where THeader : class, new()
{
    /// <summary>
    /// A segment up to this size is held in the head. Segments of a map fall geometrically in size, so the head holds
    /// at most a few times this per map, and most checkpoints (a few entries per map) write the head row alone.
    /// </summary>
    private const int MaxInlineBytes = 2 * 1024;

    /// <summary>Garbage rows deleted per checkpoint at most, so that a backlog of them never makes one commit large.</summary>
    private const int MaxDeletesOfGarbage = 64;

    private readonly IAggregateRowStore _store;
    private readonly RowOwner _owner;
    private readonly Serializer<AggregateHead<THeader>> _serializer;
    private readonly IStoredMap[] _maps;
    private List<string> _garbage = [];
    private string? _etag;

    public AggregateRows(IAggregateRowStore store, RowOwner owner, Serializer<AggregateHead<THeader>> serializer, params IStoredMap[] maps)
    {
        _store = store;
        _owner = owner;
        _serializer = serializer;
        _maps = maps;
    }

    /// <summary>The grain's small state: read and change it in place; each checkpoint writes it whole.</summary>
    public THeader Header { get; private set; } = new();

    public async Task LoadAsync()
    {
        var stored = await _store.ReadAsync(_owner);
        _etag = stored.HeadETag;
        var listed = new HashSet<string>(StringComparer.Ordinal);
        if (stored.Head is { } headBytes)
        {
            var head = _serializer.Deserialize(headBytes)
                ?? throw new InvalidDataException("An aggregate's head row holds no head.");
            Header = head.Header ?? new THeader();
            for (var i = 0; i < _maps.Length; i++)
            {
                var manifest = i < head.Maps.Count ? head.Maps[i] : StoredMapManifest.Empty;
                _maps[i].Restore(manifest, stored.Rows);
                listed.UnionWith(Segments(manifest).SelectMany(s => s.RowNames()));
            }
            _garbage = head.Garbage;
        }
        // Rows a failed commit left behind, which no head lists.
        _garbage.AddRange(stored.Rows.Keys.Where(name => !listed.Contains(name) && !_garbage.Contains(name)));
    }

    /// <summary>
    /// Encodes the header and every changed map now, on the grain's turn (the grain goes on changing them while the
    /// commit runs: those changes are the next checkpoint's), then commits.
    /// </summary>
    public async Task CheckpointAsync()
    {
        var prepared = _maps.Select(map => map.Prepare(NewSegmentName(), _store.MaxRowBytes, MaxInlineBytes)).ToList();
        var deletes = _garbage.Take(MaxDeletesOfGarbage).ToList();
        var head = new AggregateHead<THeader>
        {
            Header = Header,
            Maps = _maps.Select((map, i) => map.ManifestAfter(prepared[i])).ToList(),
            Garbage = _garbage.Skip(MaxDeletesOfGarbage).ToList(),
        };
        var inserts = new List<KeyValuePair<string, byte[]>>();
        foreach (var segment in prepared.OfType<PreparedSegment>())
        {
            inserts.AddRange(segment.Segment.RowNames().Zip(segment.Rows, KeyValuePair.Create));
            deletes.AddRange(segment.ReplacedRows);
        }
        var commit = new RowCommit(_etag, _serializer.SerializeToArray(head), inserts, deletes);

        var started = Stopwatch.GetTimestamp();
        try
        {
            _etag = await _store.CommitAsync(_owner, commit);
            RecoMetrics.Checkpoint(_owner.Kind, started, succeeded: true);
        }
        catch
        {
            RecoMetrics.Checkpoint(_owner.Kind, started, succeeded: false);
            throw;
        }
        for (var i = 0; i < _maps.Length; i++)
        {
            if (prepared[i] is { } segment) _maps[i].Committed(segment);
        }
        _garbage = head.Garbage;
    }

    private static IEnumerable<StoredSegment> Segments(StoredMapManifest manifest) =>
        manifest.Base is null ? manifest.Deltas : manifest.Deltas.Prepend(manifest.Base);

    /// <summary>Random, so that two activations of one grain (which the head's ETag stops at commit) never write the same row.</summary>
    private static string NewSegmentName() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
}
