using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;

namespace OrleansReco.Grains.Recommendation;

/// <summary>
/// Stateless fan-out, one or more per silo: the user's context, then in parallel the neighbourhoods of the top-H
/// history items (wherever those item grains live), then scoring, filtering and popularity fill.
/// </summary>
[StatelessWorker]
public sealed class RecommenderGrain(IOptions<ModelOptions> options) : Grain, IRecommenderGrain
{
    private readonly ModelOptions _options = options.Value;

    public async Task<RecommendationResult> Recommend(string userKey, RecommendationRequest request)
    {
        var context = await GrainFactory.GetGrain<IUserGrain>(userKey).GetContext();
        var excluded = new HashSet<string>(request.Exclude, StringComparer.Ordinal);
        var repeat = request.Mode == RecommendationMode.Repeat;
        // Discovery never offers what the user bought; repeat-aware mode may, unless told to leave out all seen items.
        excluded.UnionWith(context.History.Where(h => request.ExcludeSeen || (h.Purchased && !repeat)).Select(h => h.ItemId));

        var items = new List<RecommendedItem>(request.Count);
        if (context.Personalization && context.History.Count > 0)
        {
            var ownWeight = repeat ? request.RepeatWeight ?? _options.RepeatWeight : 0;
            var scored = await ScoreFromNeighbourhoods(context, excluded, request.Category, ownWeight);
            items.AddRange(scored
                .Take(request.Count)
                .Select(s => new RecommendedItem(s.ItemId, s.Score, s.Because, s.IsRepeat ? RecommendationReason.Repeat : RecommendationReason.Similar)));
        }
        var personalized = items.Count > 0;

        if (items.Count < request.Count)
        {
            excluded.UnionWith(items.Select(i => i.ItemId));
            var popular = await Popular(request.Count - items.Count + excluded.Count, request.Category);
            items.AddRange(popular
                .Where(p => !excluded.Contains(p.ItemId))
                .Take(request.Count - items.Count)
                .Select(p => new RecommendedItem(p.ItemId, p.Score, null, RecommendationReason.Popular)));
        }
        return new RecommendationResult(items, personalized);
    }

    public async Task<IReadOnlyList<PopularItem>> Popular(int count, string? category)
    {
        var shards = Enumerable.Range(0, _options.IndexShards)
            .Select(shard => GrainFactory.GetGrain<IItemIndexShardGrain>(shard).TopPopular(count, category));
        var top = (await Task.WhenAll(shards))
            .SelectMany(s => s)
            .OrderByDescending(s => s.PopularityLog2)
            .ThenBy(s => s.ItemId, StringComparer.Ordinal)
            .Take(count)
            .ToList();
        if (top.Count == 0) return [];

        // Scores are stated as of the newest event any listed item has seen, not the wall clock, so replayed
        // history gives readable numbers.
        var referenceDay = top.Max(s => s.NewestDay ?? int.MinValue);
        return top
            .Select(s => new PopularItem(s.ItemId, PopularityMath.ScoreAt(s.PopularityLog2, referenceDay, _options.HalfLife), s.Category))
            .ToList();
    }

    private async Task<List<ScoredItem>> ScoreFromNeighbourhoods(UserContext context, IReadOnlySet<string> excluded, string? category, double ownWeight)
    {
        var top = context.History.Take(_options.HistoryFanOut).ToList();
        var neighbourhoods = await Task.WhenAll(top.Select(async h =>
            (h.ItemId, Neighbours: await GrainFactory.GetGrain<IItemGrain>(h.ItemId).GetNeighbours(_options.NeighbourhoodSize))));
        var byItem = neighbourhoods.ToDictionary(
            n => n.ItemId,
            n => (IReadOnlyList<SimilarItem>)n.Neighbours.Select(x => new SimilarItem(x.ItemId, x.Similarity, x.Support, x.Category)).ToList(),
            StringComparer.Ordinal);
        var own = ownWeight > 0 ? context.History.Select(h => (h.ItemId, h.Affinity)).ToList() : null;
        return Scoring.Score(top.Select(h => (h.ItemId, h.Affinity)).ToList(), byItem, excluded, category, own, ownWeight);
    }
}
