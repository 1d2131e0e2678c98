using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;

namespace OrleansReco.Benchmarks;

/// <summary>
/// The shapes of one recommendation with the default options: 20 history items with 50 neighbours each drawn
/// from a catalogue of 2,000 items; an item with 2,000 co-items; a full 200-item history gaining one item; a model
/// of 3,500 items with 100 item-to-item weights each, scored for that full history.
/// Fixed seed, so every run measures the same work.
/// </summary>
public sealed class ModelWorkload
{
    public const int Catalogue = 2_000;
    public const int HistoryFanOut = 20;
    public const int NeighbourhoodSize = 50;

    public ModelWorkload(int seed = 1)
    {
        var random = new Random(seed);
        History = Enumerable.Range(0, HistoryFanOut).Select(i => ($"item-{i}", 1 + random.NextDouble() * 5)).ToList();
        Neighbourhoods = History.ToDictionary(
            h => h.ItemId,
            h => (IReadOnlyList<SimilarItem>)Enumerable.Range(0, NeighbourhoodSize)
                .Select(_ => new SimilarItem($"item-{random.Next(Catalogue)}", random.NextDouble(), 3 + random.Next(50), $"c{random.Next(12)}"))
                .DistinctBy(s => s.ItemId)
                .OrderByDescending(s => s.Similarity)
                .ToList());
        Excluded = History.Take(5).Select(h => h.ItemId).ToHashSet();

        CoOccurrence = Enumerable.Range(0, Catalogue).ToDictionary(i => $"item-{i}", _ => 1 + random.Next(40));
        Candidates = CoOccurrence.Keys.ToDictionary(id => id, id => new CandidateStats(CoOccurrence[id] + random.Next(200), "c", true));

        HistoryBefore = Enumerable.Range(0, 200).ToDictionary(i => $"item-{i}", i => new PopularityContribution(20_000 + i % 30, 1000 * (1 + i % 5)));
        HistoryAfter = new Dictionary<string, PopularityContribution>(HistoryBefore) { ["item-new"] = new(20_031, 1000) };
        HistoryAfter.Remove("item-0");

        const int modelItems = 3_500;
        var weights = Enumerable.Range(0, modelItems).ToDictionary(
            i => $"item-{i}",
            _ => Enumerable.Range(0, 100).Select(_ => new ItemWeight($"item-{random.Next(modelItems)}", (float)(random.NextDouble() - 0.3)))
                .DistinctBy(w => w.ItemId).ToArray());
        ItemToItemAsNeighbourhoods = weights.ToDictionary(
            kv => kv.Key, kv => (IReadOnlyList<SimilarItem>)kv.Value.Select(w => new SimilarItem(w.ItemId, w.Weight, 0, null)).ToList());
        ItemToItemModel = new EmbeddingModel(1, new AlsSettings(1, 1, 1, 1, 1), weights.Keys.Select(id => (id, new[] { 1f })).ToList(), weights);
        FullHistory = HistoryBefore.Keys.Select(id => (id, 1 + random.NextDouble() * 5)).ToList();
    }

    public List<(string ItemId, double Affinity)> History { get; }
    public Dictionary<string, IReadOnlyList<SimilarItem>> Neighbourhoods { get; }
    public HashSet<string> Excluded { get; }
    public Dictionary<string, int> CoOccurrence { get; }
    public Dictionary<string, CandidateStats> Candidates { get; }
    public Dictionary<string, PopularityContribution> HistoryBefore { get; }
    public Dictionary<string, PopularityContribution> HistoryAfter { get; }
    public EmbeddingModel ItemToItemModel { get; }
    public Dictionary<string, IReadOnlyList<SimilarItem>> ItemToItemAsNeighbourhoods { get; }
    public List<(string ItemId, double Affinity)> FullHistory { get; }

    public List<ScoredItem> Score() => Scoring.Score(History, Neighbourhoods, Excluded, category: null);

    /// <summary>The same scores through the neighbourhood scoring (string-keyed dictionary, full sort): the first build's way.</summary>
    public int ItemToItemByDictionary() =>
        Scoring.Score(FullHistory, ItemToItemAsNeighbourhoods, Excluded, category: null).Take(100).Count();

    public int ItemToItem() => ItemToItemModel.ItemToItem(FullHistory).Top(100, id => !Excluded.Contains(id)).Count;

    public List<SimilarItem> BuildNeighbourhood() =>
        OrleansReco.Grains.Model.Neighbourhoods.Build(400, CoOccurrence, Candidates, SimilarityKind.Jaccard, minSupport: 3, NeighbourhoodSize);

    public Dictionary<string, ItemChange> PlanNewItem() => ContributionPlanner.Plan(HistoryBefore, HistoryAfter);
}
