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

/// <summary>
/// score(u,j) = w_n * nb(u,j) / max nb(u,.) + w_e * x_u.y_j + w_r * a(u,j) / max a(u,.): the neighbourhood score and
/// the user's own affinity scaled to [0, 1] for this user, so one set of weights suits light and heavy shoppers
/// alike, and the embedding's predicted preference, which is on that scale already. A component a candidate lacks
/// counts 0. Candidates are the union of the inputs, which the caller has filtered already.
/// </summary>
public static class HybridScoring
{
    public static List<HybridItem> Rank(
        IReadOnlyList<ScoredItem> neighbourhood,
        IReadOnlyList<(string ItemId, double Score)> embedding,
        IReadOnlyList<(string ItemId, double Affinity)> own,
        BlendWeights weights)
    {
        var maxNeighbourhood = neighbourhood.Count == 0 ? 0 : neighbourhood.Max(n => n.Score);
        var maxOwn = own.Count == 0 ? 0 : own.Max(o => o.Affinity);
        var parts = new Dictionary<string, (double Neighbourhood, string? Because, double Embedding, double Own)>(StringComparer.Ordinal);
        foreach (var n in neighbourhood)
        {
            parts[n.ItemId] = (maxNeighbourhood > 0 ? weights.Neighbourhood * n.Score / maxNeighbourhood : 0, n.Because, 0, 0);
        }
        foreach (var (item, score) in embedding)
        {
            var p = parts.GetValueOrDefault(item);
            parts[item] = p with { Embedding = weights.Embedding * score };
        }
        foreach (var (item, affinity) in own)
        {
            var p = parts.GetValueOrDefault(item);
            parts[item] = p with { Own = maxOwn > 0 ? weights.Repeat * affinity / maxOwn : 0 };
        }

        return parts
            .Select(kv =>
            {
                var (nb, because, emb, mine) = kv.Value;
                var source = mine > 0 && mine >= nb && mine >= emb ? ScoreSource.Own
                    : emb > nb ? ScoreSource.Embedding
                    : ScoreSource.Neighbourhood;
                var reason = source switch
                {
                    ScoreSource.Own => kv.Key,
                    ScoreSource.Neighbourhood => because,
                    _ => null,
                };
                return new HybridItem(kv.Key, nb + emb + mine, source, reason);
            })
            .OrderByDescending(h => h.Score)
            .ThenBy(h => h.ItemId, StringComparer.Ordinal)
            .ToList();
    }
}
