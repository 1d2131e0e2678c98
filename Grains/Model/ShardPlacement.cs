namespace OrleansReco.Grains.Model;

/// <summary>
/// A hash that is the same in every process and every run (string.GetHashCode is randomised per process),
/// used to place items on index shards.
/// </summary>
public static class ShardPlacement
{
    public static uint Fnv1a(string value)
    {
        var hash = 2166136261u;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return hash;
    }

    public static int Shard(string itemId, int shards) => (int)(Fnv1a(itemId) % (uint)shards);
}
