using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Grains.Model;

/// <summary>Which part of the blend gave a candidate most of its score: that decides its reason and "because".</summary>
public enum ScoreSource
{
    Neighbourhood = 0,
    Embedding = 1,
    Own = 2,
    ItemToItem = 3,
    Content = 4,
}

/// <param name="Because">
/// The strongest history item of the neighbourhood, item-to-item or content score, or the item itself for
/// <see cref="ScoreSource.Own"/>; null for <see cref="ScoreSource.Embedding"/>.
/// </param>
public readonly record struct HybridItem(string ItemId, double Score, ScoreSource Source, string? Because);

/// <summary>A candidate's parts before weighting: what <see cref="HybridScoring.Rank(IEnumerable{CandidateParts}, BlendWeights)"/> blends.</summary>
public readonly record struct CandidateParts(
    string ItemId, double Neighbourhood, string? Because, double Embedding, double Own, double ItemToItem = 0, string? ItemToItemBecause = null,
    double Content = 0, string? ContentBecause = null);

/// <summary>
/// score(u,j) = w_n * nb(u,j) / max nb(u,.) + w_e * x_u.y_j + w_r * r(u,j) / max r(u,.) + w_i * ii(u,j) / max ii(u,.)
/// + w_c * B(u) * c(u,j) / max c(u,.), B(u) the shopper's best score from the other parts: the neighbourhood score, the user's own (repeat) affinity, the item-to-item (EASE)
/// score and the content score (history items' content matches weighted towards items with little co-occurrence,
/// summed by affinity) scaled to [0, 1] for
/// this user, so one set of weights suits light and heavy shoppers alike, and the embedding's predicted preference,
/// which is on that scale already. A component a candidate lacks counts 0. Candidates are the union of the inputs,
/// which the caller has filtered already.
/// </summary>
public static class HybridScoring
{
    public static List<HybridItem> Rank(
        IReadOnlyList<ScoredItem> neighbourhood,
        IReadOnlyList<(string ItemId, double Score)> embedding,
        IReadOnlyList<(string ItemId, double Affinity)> own,
        BlendWeights weights,
        IReadOnlyList<ScoredItem>? itemToItem = null,
        IReadOnlyList<ScoredItem>? content = null) => Rank(Parts(neighbourhood, embedding, own, itemToItem ?? [], content), weights);

    /// <summary>Every candidate's parts, unweighted: all but the embedding scaled to [0, 1] for this user.</summary>
    public static List<CandidateParts> Parts(
        IReadOnlyList<ScoredItem> neighbourhood,
        IReadOnlyList<(string ItemId, double Score)> embedding,
        IReadOnlyList<(string ItemId, double Affinity)> own,
        IReadOnlyList<ScoredItem> itemToItem,
        IReadOnlyList<ScoredItem>? content = null)
    {
        content ??= [];
        var maxContent = content.Count == 0 ? 0 : content.Max(c => c.Score);
        var maxNeighbourhood = neighbourhood.Count == 0 ? 0 : neighbourhood.Max(n => n.Score);
        var maxOwn = own.Count == 0 ? 0 : own.Max(o => o.Affinity);
        var maxItemToItem = itemToItem.Count == 0 ? 0 : itemToItem.Max(i => i.Score);
        var parts = new Dictionary<string, CandidateParts>(StringComparer.Ordinal);
        foreach (var n in neighbourhood)
        {
            parts[n.ItemId] = new CandidateParts(n.ItemId, maxNeighbourhood > 0 ? n.Score / maxNeighbourhood : 0, n.Because, 0, 0);
        }
        foreach (var (item, score) in embedding)
        {
            parts[item] = Existing(item) with { Embedding = score };
        }
        foreach (var (item, affinity) in own)
        {
            parts[item] = Existing(item) with { Own = maxOwn > 0 ? affinity / maxOwn : 0 };
        }
        foreach (var i in itemToItem)
        {
            parts[i.ItemId] = Existing(i.ItemId) with
            {
                ItemToItem = maxItemToItem > 0 ? i.Score / maxItemToItem : 0,
                ItemToItemBecause = i.Because,
            };
        }
        foreach (var c in content)
        {
            parts[c.ItemId] = Existing(c.ItemId) with
            {
                Content = maxContent > 0 ? c.Score / maxContent : 0,
                ContentBecause = c.Because,
            };
        }
        return parts.Values.ToList();

        // A candidate another part listed already, or a new one with no other part.
        CandidateParts Existing(string item) => parts.TryGetValue(item, out var p) ? p : new CandidateParts(item, 0, null, 0, 0);
    }

    /// <summary>
    /// The weighted sum of each candidate's parts, best first. The content part alone is scaled to the shopper's best
    /// score from the other parts (1 when there is none): its weight is the share of that score a perfect content match
    /// earns, so a new product takes a place below the shopper's best candidates however large their scores are,
    /// where a fixed scale put it above them for some shoppers and nowhere for others (docs/quality.md).
    /// </summary>
    public static List<HybridItem> Rank(IEnumerable<CandidateParts> parts, BlendWeights weights)
    {
        var all = parts as IReadOnlyCollection<CandidateParts> ?? parts.ToList();
        var best = weights.Content > 0 && all.Count > 0 ? all.Max(p => Others(p, weights)) : 0;
        var contentScale = best > 0 ? best : 1;
        return all.Select(p => Ranked(p, weights, contentScale))
            .OrderByDescending(h => h.Score)
            .ThenBy(h => h.ItemId, StringComparer.Ordinal)
            .ToList();
    }

    private static double Others(CandidateParts p, BlendWeights weights) =>
        weights.Neighbourhood * p.Neighbourhood + weights.Embedding * p.Embedding + weights.Repeat * p.Own + weights.ItemToItem * p.ItemToItem;

    private static HybridItem Ranked(CandidateParts p, BlendWeights weights, double contentScale)
    {
        var (nb, emb, mine, learned, text) = (
            weights.Neighbourhood * p.Neighbourhood, weights.Embedding * p.Embedding, weights.Repeat * p.Own, weights.ItemToItem * p.ItemToItem,
            weights.Content * p.Content * contentScale);
        var source = mine > 0 && mine >= nb && mine >= emb && mine >= learned && mine >= text ? ScoreSource.Own
            : text > nb && text > emb && text > learned ? ScoreSource.Content
            : learned > nb && learned > emb ? ScoreSource.ItemToItem
            : emb > nb ? ScoreSource.Embedding
            : ScoreSource.Neighbourhood;
        var because = source switch
        {
            ScoreSource.Own => p.ItemId,
            ScoreSource.Neighbourhood => p.Because,
            ScoreSource.ItemToItem => p.ItemToItemBecause,
            ScoreSource.Content => p.ContentBecause,
            _ => null,
        };
        return new HybridItem(p.ItemId, nb + emb + mine + learned + text, source, because);
    }
}
