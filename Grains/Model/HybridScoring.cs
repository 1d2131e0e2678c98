using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Grains.Model;

/// <summary>Which part of the blend gave a candidate most of its score: that decides its reason and "because".</summary>
public enum ScoreSource
{
    Neighbourhood = 0,
    Embedding = 1,
    Own = 2,
}

/// <param name="Because">The neighbourhood's strongest history item, or the item itself for <see cref="ScoreSource.Own"/>; null for <see cref="ScoreSource.Embedding"/>.</param>
public readonly record struct HybridItem(string ItemId, double Score, ScoreSource Source, string? Because);

/// <summary>A candidate's parts before weighting: what <see cref="HybridScoring.Rank(IEnumerable{CandidateParts}, BlendWeights)"/> blends.</summary>
public readonly record struct CandidateParts(string ItemId, double Neighbourhood, string? Because, double Embedding, double Own);

/// <summary>
/// score(u,j) = w_n * nb(u,j) / max nb(u,.) + w_e * x_u.y_j + w_r * r(u,j) / max r(u,.): the neighbourhood score and
/// the user's own (repeat) affinity scaled to [0, 1] for this user, so one set of weights suits light and heavy shoppers
/// alike, and the embedding's predicted preference, which is on that scale already. A component a candidate lacks
/// counts 0. Candidates are the union of the inputs, which the caller has filtered already.
/// </summary>
public static class HybridScoring
{
    public static List<HybridItem> Rank(
        IReadOnlyList<ScoredItem> neighbourhood,
        IReadOnlyList<(string ItemId, double Score)> embedding,
        IReadOnlyList<(string ItemId, double Affinity)> own,
        BlendWeights weights) => Rank(Parts(neighbourhood, embedding, own), weights);

    /// <summary>Every candidate's three parts, unweighted: neighbourhood and own affinity scaled to [0, 1] for this user.</summary>
    public static List<CandidateParts> Parts(
        IReadOnlyList<ScoredItem> neighbourhood,
        IReadOnlyList<(string ItemId, double Score)> embedding,
        IReadOnlyList<(string ItemId, double Affinity)> own)
    {
        var maxNeighbourhood = neighbourhood.Count == 0 ? 0 : neighbourhood.Max(n => n.Score);
        var maxOwn = own.Count == 0 ? 0 : own.Max(o => o.Affinity);
        var parts = new Dictionary<string, CandidateParts>(StringComparer.Ordinal);
        foreach (var n in neighbourhood)
        {
            parts[n.ItemId] = new CandidateParts(n.ItemId, maxNeighbourhood > 0 ? n.Score / maxNeighbourhood : 0, n.Because, 0, 0);
        }
        foreach (var (item, score) in embedding)
        {
            parts[item] = (parts.TryGetValue(item, out var p) ? p : new CandidateParts(item, 0, null, 0, 0)) with { Embedding = score };
        }
        foreach (var (item, affinity) in own)
        {
            parts[item] = (parts.TryGetValue(item, out var p) ? p : new CandidateParts(item, 0, null, 0, 0)) with { Own = maxOwn > 0 ? affinity / maxOwn : 0 };
        }
        return parts.Values.ToList();
    }

    public static List<HybridItem> Rank(IEnumerable<CandidateParts> parts, BlendWeights weights) => parts
        .Select(p =>
        {
            var (nb, emb, mine) = (weights.Neighbourhood * p.Neighbourhood, weights.Embedding * p.Embedding, weights.Repeat * p.Own);
            var source = mine > 0 && mine >= nb && mine >= emb ? ScoreSource.Own
                : emb > nb ? ScoreSource.Embedding
                : ScoreSource.Neighbourhood;
            var because = source switch
            {
                ScoreSource.Own => p.ItemId,
                ScoreSource.Neighbourhood => p.Because,
                _ => null,
            };
            return new HybridItem(p.ItemId, nb + emb + mine, source, because);
        })
        .OrderByDescending(h => h.Score)
        .ThenBy(h => h.ItemId, StringComparer.Ordinal)
        .ToList();
}
