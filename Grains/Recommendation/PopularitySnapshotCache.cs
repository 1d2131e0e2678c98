using Microsoft.Extensions.Options;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;

namespace OrleansReco.Grains.Recommendation;

/// <summary>
/// This silo's copy of the current private popularity snapshot, shared by its recommender grains: fetched once per
/// epoch, whoever asks first, so the popular endpoint and every popularity fill do not all call one grain.
/// </summary>
public sealed class PopularitySnapshotCache(IGrainFactory grains, IOptions<PopularityPrivacyOptions> privacy, TimeProvider time)
{
    private readonly Lock _lock = new();
    private Task<PopularitySnapshot>? _current;

    public async Task<PopularitySnapshot> CurrentAsync()
    {
        var epoch = privacy.Value.EpochOf(time.GetUtcNow());
        Task<PopularitySnapshot> current;
        lock (_lock)
        {
            // A failed, older or empty (see the grain) fetch is replaced; one in flight is shared.
            if (_current is null || _current.IsFaulted || _current.IsCanceled
                || (_current.IsCompletedSuccessfully && (_current.Result.Epoch < epoch || _current.Result.Ranked.Count == 0)))
            {
                _current = Task.Run(() => grains.GetGrain<IPopularitySnapshotGrain>(0).Current());
            }
            current = _current;
        }
        return await current;
    }

    /// <summary>The snapshot's first <paramref name="count"/> items, of one category if given (compared as the index compares it).</summary>
    public static IReadOnlyList<PopularItem> Top(PopularitySnapshot snapshot, int count, string? category) =>
        snapshot.Ranked
            .Where(p => category is null || string.Equals(p.Category, category, StringComparison.OrdinalIgnoreCase))
            .Take(count)
            .ToList();
}
