using OrleansReco.Grains.Model;

namespace OrleansReco.Benchmarks;

/// <summary>
/// The shapes of one recommendation with the default options: 20 history items with 50 neighbours each drawn
/// from a catalogue of 2,000 items; an item with 2,000 co-items; a full 200-item history gaining one item.
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
    }

    public List<(string ItemId, double Affinity)> History { get; }
    public Dictionary<string, IReadOnlyList<SimilarItem>> Neighbourhoods { get; }
    public HashSet<string> Excluded { get; }
    public Dictionary<string, int> CoOccurrence { get; }
    public Dictionary<string, CandidateStats> Candidates { get; }
    public Dictionary<string, PopularityContribution> HistoryBefore { get; }
    public Dictionary<string, PopularityContribution> HistoryAfter { get; }

    public List<ScoredItem> Score() => Scoring.Score(History, Neighbourhoods, Excluded, category: null);

    public List<SimilarItem> BuildNeighbourhood() =>
        OrleansReco.Grains.Model.Neighbourhoods.Build(400, CoOccurrence, Candidates, SimilarityKind.Jaccard, minSupport: 3, NeighbourhoodSize);

    public Dictionary<string, ItemChange> PlanNewItem() => ContributionPlanner.Plan(HistoryBefore, HistoryAfter);
}
