using OrleansReco.Tools.Synthetic;

namespace OrleansReco.Tools.Gateway;

/// <summary>Upserts catalogue items with bounded concurrency; order does not matter between items.</summary>
public static class CatalogUploader
{
    public static async Task<int> UploadAsync(
        GatewayClient client, IEnumerable<CatalogItem> items, int concurrency, CancellationToken cancellationToken)
    {
        var count = 0;
        await Parallel.ForEachAsync(
            items,
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (item, token) =>
            {
                await client.UpsertItemAsync(item, token);
                Interlocked.Increment(ref count);
            });
        return count;
    }
}
