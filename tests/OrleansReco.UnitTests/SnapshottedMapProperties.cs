using FsCheck.Xunit;
using OrleansReco.Grains.Storage;

namespace OrleansReco.UnitTests;

/// <summary>
/// An item's co-occurrence row is stored as a snapshot row plus a head row of changes, each written on its own and
/// each write possibly failing (before or after it reached storage). Whatever happens, restoring from the two rows
/// must give the map exactly as it was at the newer row's version, including changes made while a snapshot was being
/// written.
/// </summary>
public sealed class SnapshottedMapProperties
{
    private sealed record HeadRow(Dictionary<int, int> Changes, long BaseVersion, long Version);

    private sealed record SnapshotRow(Dictionary<int, int> Map, long Version);

    [Property(MaxTest = 200)]
    public bool Restoring_gives_the_map_at_the_newer_row(int seed)
    {
        var random = new Random(seed);
        var map = SnapshottedMap<int, int>.Restore([], 0, new Dictionary<int, int>(), 0, 0);
        var version = 0L;
        var history = new Dictionary<long, Dictionary<int, int>> { [0] = [] };
        var head = new HeadRow([], 0, 0);
        var snapshot = new SnapshotRow([], 0);
        var keys = 5 + random.Next(200);

        void Change()
        {
            var key = random.Next(keys);
            var value = random.Next(4); // 0 removes
            if (value == 0) map.Current.Remove(key);
            else map.Current[key] = value;
            map.MarkChanged(key, value);
            history[++version] = new Dictionary<int, int>(map.Current);
        }

        for (var step = 0; step < 600; step++)
        {
            if (random.Next(3) > 0)
            {
                Change();
                continue;
            }

            // A write: it reaches storage or not, and its caller hears of success or not (a timeout after success).
            var reached = random.Next(5) > 0;
            var heard = reached && random.Next(5) > 0;
            if (map.SnapshotDue)
            {
                var (written, at) = (new Dictionary<int, int>(map.Current), version);
                map.SnapshotTaken();
                for (var meanwhile = random.Next(4); meanwhile > 0; meanwhile--) Change();
                if (reached) snapshot = new SnapshotRow(written, at);
                if (heard) map.SnapshotWritten(at);
            }
            else
            {
                map.HeadWriting();
                if (reached) head = new HeadRow(new Dictionary<int, int>(map.Changes), map.BaseVersion, version);
            }
        }

        var restored = snapshot.Version > head.Version
            ? SnapshottedMap<int, int>.FromSnapshot(new Dictionary<int, int>(snapshot.Map), snapshot.Version)
            : SnapshottedMap<int, int>.Restore(new Dictionary<int, int>(snapshot.Map), snapshot.Version, head.Changes, head.BaseVersion, head.Version);
        var expected = history[Math.Max(snapshot.Version, head.Version)];
        return restored.Current.Count == expected.Count
            && expected.All(kv => restored.Current.GetValueOrDefault(kv.Key) == kv.Value);
    }
}
