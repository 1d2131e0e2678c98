using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansReco.Grains.Embeddings;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;

namespace OrleansReco.Grains.Recommendation;

/// <summary>
/// Stateless fan-out, one or more per silo: the user's context, then in parallel the neighbourhoods of the top-H
/// history items (wherever those item grains live), the embedding candidates from this silo's model, then the hybrid
/// score, filtering, the re-ranking for diversity when asked, and popularity fill (a light shopper's segment's
/// popular items first).
/// </summary>
[StatelessWorker]
public sealed class RecommenderGrain(
    IOptions<ModelOptions> options, IOptions<PopularityPrivacyOptions> privacy, EmbeddingModelCache models, PopularitySnapshotCache privatePopularity)
    : Grain, IRecommenderGrain
{
    private readonly ModelOptions _options = options.Value;
    private readonly bool _privatePopularity = privacy.Value.Enabled;

    public async Task<RecommendationResult> Recommend(string userKey, RecommendationRequest request)
    {
        var context = await GrainFactory.GetGrain<IUserGrain>(userKey).GetContext();
        var excluded = Excluded(request, context);
        var repeat = request.Mode == RecommendationMode.Repeat;

        var items = new List<RecommendedItem>(request.Count);
        // The categories of the listed items, when a cap asks for them: the popularity fill counts against them too.
        var listedCategories = new List<string?>();
        if (context.Personalization && context.History.Count > 0)
        {
            var weights = request.Weights
                ?? new BlendWeights(_options.NeighbourhoodWeight, _options.EmbeddingWeight, _options.RepeatWeight, _options.EaseWeight, _options.ContentWeight);
            if (!repeat) weights = weights with { Repeat = 0 };
            items.AddRange(await Personalised(context, excluded, request, weights, listedCategories));
        }
        var personalized = items.Count > 0;

        if (items.Count < request.Count)
        {
            excluded.UnionWith(items.Select(i => i.ItemId));
            var wanted = request.Count - items.Count;
            // With a cap, items of full categories are passed over: read further down the popularity list.
            var read = (request.MaxPerCategory is null ? wanted : Diversification.PoolSize(wanted)) + excluded.Count;
            // A light shopper's own signals say little: their segment's popular items first, then the shop's.
            var segment = (await SegmentPopular(context, request.Category))
                .Where(p => !excluded.Contains(p.ItemId))
                .Take(read)
                .ToList();
            if (segment.Count > 0)
            {
                // The segment's list is as of its training: items taken off sale since are left out, as the index's
                // popular list leaves them out.
                var current = await Lookup(segment.Select(p => p.ItemId));
                segment.RemoveAll(p => current.GetValueOrDefault(p.ItemId) is not { Available: true });
            }
            var segmentFill = segment.Select(p => (Item: p, Reason: RecommendationReason.Segment)).ToList();
            excluded.UnionWith(segment.Select(p => p.ItemId));
            var popular = segmentFill.Concat((await Popular(read, request.Category))
                    .Where(p => !excluded.Contains(p.ItemId))
                    .Select(p => (Item: p, Reason: RecommendationReason.Popular)))
                .ToList();
            var fill = request.MaxPerCategory is null
                ? popular.Take(wanted).ToList()
                // The fill is capped, not diversified: popularity scores are not the relevance the diversity trades.
                : Diversification.Rerank(
                        popular.Select(p => new DiversityCandidate(p.Item.ItemId, p.Item.Score, p.Item.Category)).ToList(),
                        wanted, 0, request.MaxPerCategory, NoSimilarity, listedCategories)
                    .ConvertAll(i => popular[i]);
            items.AddRange(fill.Select(p => new RecommendedItem(p.Item.ItemId, p.Item.Score, null, p.Reason)));
        }
        return new RecommendationResult(items, personalized);
    }

    private static double NoSimilarity(int a, int b) => 0;

    /// <summary>
    /// The popular items of the shopper's segment (<see cref="SegmentFill"/>) for a shopper with one or a few history
    /// items; none with private popularity on, which publishes no segment lists (docs/privacy.md).
    /// </summary>
    private async Task<IReadOnlyList<PopularItem>> SegmentPopular(UserContext context, string? category) =>
        _privatePopularity || !SegmentFill.Applies(context, _options.SegmentFillMaxItems)
            ? []
            : SegmentFill.For(await models.CurrentAsync(), context, _options.SegmentFillMaxItems, category);

    /// <summary>
    /// The popular list, exact or (with private popularity on) from the epoch's noisy snapshot. The popularity fill
    /// of personal lists comes from here too, so it is private whenever the popular endpoint is.
    /// </summary>
    public async Task<IReadOnlyList<PopularItem>> Popular(int count, string? category)
    {
        if (_privatePopularity)
        {
            return PopularitySnapshotCache.Top(await privatePopularity.CurrentAsync(), count, category);
        }
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

    public async Task<IReadOnlyList<CatalogueItem>> Catalogue(string? category, string? after, int count)
    {
        var shards = Enumerable.Range(0, _options.IndexShards)
            .Select(shard => GrainFactory.GetGrain<IItemIndexShardGrain>(shard).ListItems(category, after, count));
        var page = (await Task.WhenAll(shards))
            .SelectMany(s => s)
            .OrderBy(s => s.ItemId, StringComparer.Ordinal)
            .Take(count)
            .ToList();
        var details = await Task.WhenAll(page.Select(s => GrainFactory.GetGrain<IItemGrain>(s.ItemId).GetDetails()));
        return page.Select((s, i) => new CatalogueItem(s.ItemId, s.Category, s.Available, details[i])).ToList();
    }

    /// <summary>
    /// Candidates from the neighbourhoods of the top history items, from the embedding (one model version, the
    /// user's vector folded in against it if the user grain's is from another), from the same version's item-to-item
    /// weights over the whole history and, in repeat-aware mode, from the user's own history; ranked by
    /// <see cref="HybridScoring"/>. An item's category is known only from a neighbourhood, so with a category filter
    /// only items some neighbourhood listed in it can appear.
    /// </summary>
    private async Task<List<RecommendedItem>> Personalised(
        UserContext context, HashSet<string> excluded, RecommendationRequest request, BlendWeights weights, List<string?> listedCategories)
    {
        var (parts, model) = await CandidateParts(context, excluded, request.Category, weights);
        var historyItems = context.History.Take(_options.HistoryFanOut).Select(h => h.ItemId).ToList();
        var ranked = HybridScoring.Rank(parts, weights);
        var listed = Diversification.Applies(request.Diversity, request.MaxPerCategory)
            ? await Diversify(ranked, request, model, listedCategories)
            : ranked.Take(request.Count); // the hot path: no pool, no lookups
        return listed
            .Select(h => h.Source switch
            {
                ScoreSource.Own => new RecommendedItem(h.ItemId, h.Score, h.Because, RecommendationReason.Repeat),
                // Suggested for the user's tastes as a whole; named after the history item most like it.
                ScoreSource.Embedding => new RecommendedItem(h.ItemId, h.Score, model!.MostAlike(h.ItemId, historyItems), RecommendationReason.Embedding),
                // Like a history item by its text: named after the history item that added most.
                ScoreSource.Content => new RecommendedItem(h.ItemId, h.Score, h.Because, RecommendationReason.Content),
                // Neighbourhood or learned item-to-item weights: both name the history item that added most.
                _ => new RecommendedItem(h.ItemId, h.Score, h.Because, RecommendationReason.Similar),
            })
            .ToList();
    }

    /// <summary>
    /// The list re-ranked from a pool of the best candidates (<see cref="Diversification"/>): similarity from the
    /// current model's item vectors (exact for every pair it holds, and a dot product in this silo's memory, where
    /// neighbourhoods would cost a grain call per candidate and know only their top pairs), categories from the item
    /// index (neighbourhoods know only their own items'). Each item keeps its score, reason and "because": the
    /// re-ranking changes which items are listed and their order, not why each is there.
    /// </summary>
    private async Task<IEnumerable<HybridItem>> Diversify(
        List<HybridItem> ranked, RecommendationRequest request, EmbeddingModel? model, List<string?> listedCategories)
    {
        var pool = ranked.Take(Diversification.PoolSize(request.Count)).ToList();
        var ids = pool.ConvertAll(h => h.ItemId);
        var categories = request.MaxPerCategory is null ? null : await Lookup(ids);
        model = request.Diversity > 0 ? model ?? await models.CurrentAsync() : null;
        var chosen = Diversification.Rerank(
            pool.ConvertAll(h => new DiversityCandidate(h.ItemId, h.Score, categories?.GetValueOrDefault(h.ItemId)?.Category)),
            request.Count,
            request.Diversity,
            request.MaxPerCategory,
            model?.Similarities(ids) ?? NoSimilarity); // no model yet: nothing is known alike, the order stays
        listedCategories.AddRange(chosen.Select(i => categories?.GetValueOrDefault(ids[i])?.Category));
        return chosen.Select(i => pool[i]);
    }

    /// <summary>What the item index holds of the given items (items it does not know are left out), one call per shard.</summary>
    private async Task<Dictionary<string, ItemStats>> Lookup(IEnumerable<string> itemIds)
    {
        var shards = itemIds.GroupBy(id => ShardPlacement.Shard(id, _options.IndexShards));
        return (await Task.WhenAll(shards.Select(g =>
                GrainFactory.GetGrain<IItemIndexShardGrain>(g.Key).Lookup(g.ToList()))))
            .SelectMany(s => s.Found)
            .ToDictionary(s => s.ItemId, StringComparer.Ordinal);
    }

    /// <summary>
    /// What a request must not list: the items it names, and of the user's history everything when it asks to leave
    /// out seen items; else discovery never offers what the user bought, while repeat-aware mode may.
    /// </summary>
    private static HashSet<string> Excluded(RecommendationRequest request, UserContext context)
    {
        var excluded = new HashSet<string>(request.Exclude, StringComparer.Ordinal);
        var repeat = request.Mode == RecommendationMode.Repeat;
        excluded.UnionWith(context.History.Where(h => request.ExcludeSeen || (h.Purchased && !repeat)).Select(h => h.ItemId));
        return excluded;
    }

    /// <summary>The candidates of a request and their unweighted parts, and the model the embedding part came from.</summary>
    private async Task<(List<CandidateParts> Parts, EmbeddingModel? Model)> CandidateParts(
        UserContext context, HashSet<string> excluded, string? category, BlendWeights weights)
    {
        var top = context.History.Take(_options.HistoryFanOut).ToList();
        var neighbourhoods = await Task.WhenAll(top.Select(async h =>
            (h.ItemId, Lists: await GrainFactory.GetGrain<IItemGrain>(h.ItemId).GetNeighbourhood(_options.NeighbourhoodSize))));
        var byItem = neighbourhoods.ToDictionary(n => n.ItemId, n => SimilarItems(n.Lists.Neighbours), StringComparer.Ordinal);
        var byContent = neighbourhoods.ToDictionary(n => n.ItemId, n => SimilarItems(n.Lists.NewByContent), StringComparer.Ordinal);
        var inCategory = category is null
            ? null
            : byItem.Values.Concat(byContent.Values).SelectMany(n => n)
                .Where(n => string.Equals(n.Category, category, StringComparison.OrdinalIgnoreCase))
                .Select(n => n.ItemId)
                .ToHashSet(StringComparer.Ordinal);
        bool Allowed(string itemId) => !excluded.Contains(itemId) && (inCategory is null || inCategory.Contains(itemId));

        var topAffinities = top.Select(h => (h.ItemId, h.Affinity)).ToList();
        var neighbourhood = weights.Neighbourhood > 0
            ? Scoring.Score(topAffinities, byItem, excluded, category)
            : [];
        // Content matches of the same history items, weighted towards items with little co-occurrence: new products.
        var content = weights.Content > 0
            ? Scoring.Score(topAffinities, byContent, excluded, category)
            : [];
        var own = weights.Repeat > 0
            ? context.History.Where(h => Allowed(h.ItemId)).Select(h => (h.ItemId, h.RepeatAffinity)).ToList()
            : [];

        var history = context.History.Select(h => (h.ItemId, h.Affinity)).ToList();
        var model = weights.Embedding > 0 || weights.ItemToItem > 0 ? await models.CurrentAsync() : null;
        var vector = model is null || weights.Embedding <= 0 ? null
            : context.Embedding is { } held && held.Version == model.Version ? held.Vector
            : model.FoldIn(history);
        var itemToItemScores = model is not null && weights.ItemToItem > 0 ? model.ItemToItem(history) : null;

        // Each trained part adds its own best candidates, then scores every candidate of the union that it knows.
        var candidates = neighbourhood.Select(n => n.ItemId).Concat(own.Select(o => o.ItemId)).Concat(content.Select(c => c.ItemId))
            .ToHashSet(StringComparer.Ordinal);
        if (vector is not null)
        {
            candidates.UnionWith(model!.Top(vector, _options.EmbeddingCandidates, Allowed).Select(e => e.ItemId));
        }
        if (itemToItemScores is not null)
        {
            candidates.UnionWith(itemToItemScores.Top(_options.EmbeddingCandidates, Allowed).Select(i => i.ItemId));
        }
        var embedding = new List<(string ItemId, double Score)>();
        if (vector is not null)
        {
            foreach (var candidate in candidates)
            {
                if (model!.Score(vector, candidate) is { } score) embedding.Add((candidate, score));
            }
        }
        var itemToItem = new List<ScoredItem>();
        if (itemToItemScores is not null)
        {
            foreach (var candidate in candidates)
            {
                if (itemToItemScores.Find(candidate) is { } scored) itemToItem.Add(scored);
            }
        }

        return (HybridScoring.Parts(neighbourhood, embedding, own, itemToItem, content), model);
    }

    private static IReadOnlyList<SimilarItem> SimilarItems(IReadOnlyList<Neighbour> neighbours) =>
        neighbours.Select(x => new SimilarItem(x.ItemId, x.Similarity, x.Support, x.Category, x.Content)).ToList();
}
