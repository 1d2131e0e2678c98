using Orleans.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace OrleansReco.Grains.Storage;

/// <summary>Aggregate rows in this process's memory, shared by every silo of one service in it: for tests and evaluation.</summary>
public sealed class MemoryAggregateRowStore(IOptions<ClusterOptions> cluster) : IAggregateRowStore
{
    private static readonly Dictionary<(string Service, RowOwner Owner), (string ETag, byte[] Head, Dictionary<string, byte[]> Rows)> Stored = [];
    private static readonly Lock Gate = new();
    private static long _lastETag;
    private readonly string _service = cluster.Value.ServiceId;

    public int MaxRowBytes => 256 * 1024;

    public Task<OwnerRows> ReadAsync(RowOwner owner, CancellationToken cancellationToken = default)
    {
        lock (Gate)
        {
            return Task.FromResult(Stored.TryGetValue((_service, owner), out var stored)
                ? new OwnerRows(stored.ETag, stored.Head.ToArray(), stored.Rows.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal))
                : OwnerRows.Empty);
        }
    }

    public Task<string> CommitAsync(RowOwner owner, RowCommit commit, CancellationToken cancellationToken = default)
    {
        if (commit.Inserts.Any(r => r.Value.Length > MaxRowBytes) || commit.Head.Length > MaxRowBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(commit), $"A row is larger than {MaxRowBytes} bytes; nothing was written.");
        }
        lock (Gate)
        {
            var found = Stored.TryGetValue((_service, owner), out var stored);
            if ((found ? stored.ETag : null) != commit.ExpectedHeadETag || (found && commit.Inserts.Any(r => stored.Rows.ContainsKey(r.Key))))
            {
                throw new InconsistentStateException("The aggregate's head changed since it was read.", found ? stored.ETag : "(none)", commit.ExpectedHeadETag ?? "(none)");
            }
            var rows = found ? stored.Rows : new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var (name, data) in commit.Inserts) rows[name] = data.ToArray();
            foreach (var name in commit.Deletes) rows.Remove(name);
            var etag = (++_lastETag).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Stored[(_service, owner)] = (etag, commit.Head.ToArray(), rows);
            return Task.FromResult(etag);
        }
    }
}

public static class MemoryAggregateRowStoreExtensions
{
    public static ISiloBuilder AddMemoryAggregateRows(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton<IAggregateRowStore, MemoryAggregateRowStore>();
        return silo;
    }
}
