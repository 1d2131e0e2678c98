namespace OrleansReco.Grains.Model;

/// <summary>An item whose text is like the query's, and how much (cosine of the TF-IDF vectors, 0 to 1).</summary>
public readonly record struct ContentScore(string ItemId, double Similarity);

/// <summary>
/// TF-IDF over items' catalogue terms (<see cref="ContentText"/>), kept as an inverted index that an upsert changes
/// in place, and the items most like a query by cosine. Term frequency is sublinear (1 + ln tf), inverse document
/// frequency smoothed (ln((1 + N) / (1 + df)) + 1, so a term every item has still counts a little and a query term
/// no item has counts against the match). Written here rather than taken from Microsoft.ML's text featurisation:
/// that is a pipeline fitted over the whole corpus and then applied, so a new product would mean a refit, and it
/// brings the ML.NET runtime into every silo; an index whose upsert touches only the item's own postings is this
/// small class. Not thread-safe: its owner (an index shard) calls it on one thread.
/// </summary>
public sealed class ContentIndex
{
    private readonly Dictionary<string, Dictionary<string, int>> _postings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, int>> _documents = new(StringComparer.Ordinal);

    /// <summary>Items with at least one term.</summary>
    public int Count => _documents.Count;

    /// <summary>Replaces the item's terms (none: the item leaves the index).</summary>
    public void Set(string itemId, IReadOnlyList<string> terms)
    {
        Remove(itemId);
        if (terms.Count == 0) return;
        var counts = Counts(terms);
        _documents[itemId] = counts;
        foreach (var (term, count) in counts)
        {
            if (!_postings.TryGetValue(term, out var items))
            {
                _postings[term] = items = new Dictionary<string, int>(StringComparer.Ordinal);
            }
            items[itemId] = count;
        }
    }

    public void Remove(string itemId)
    {
        if (!_documents.Remove(itemId, out var counts)) return;
        foreach (var term in counts.Keys)
        {
            var items = _postings[term];
            items.Remove(itemId);
            if (items.Count == 0) _postings.Remove(term);
        }
    }

    public double Idf(string term) =>
        Math.Log((1.0 + Count) / (1.0 + (_postings.TryGetValue(term, out var items) ? items.Count : 0))) + 1;

    /// <summary>
    /// The <paramref name="count"/> items most like the query terms that <paramref name="eligible"/> admits, with a
    /// similarity above zero, best first (ties by id, so equal inputs give equal lists). Only items sharing a term
    /// with the query are scored: the cost is the length of the query terms' postings, not the catalogue's size.
    /// </summary>
    public List<ContentScore> Similar(IReadOnlyList<string> queryTerms, int count, Func<string, bool> eligible) =>
        Top(Scores(queryTerms, eligible), count, s => s.Similarity);

    /// <summary>The best <paramref name="count"/> of <paramref name="scores"/> by <paramref name="rank"/> (above zero), ties by id.</summary>
    public static List<ContentScore> Top(IEnumerable<ContentScore> scores, int count, Func<ContentScore, double> rank) => scores
        .Select(s => (Score: s, Rank: rank(s)))
        .Where(s => s.Rank > 0)
        .OrderByDescending(s => s.Rank)
        .ThenBy(s => s.Score.ItemId, StringComparer.Ordinal)
        .Take(count)
        .Select(s => s.Score)
        .ToList();

    /// <summary>
    /// Every item that <paramref name="eligible"/> admits and that shares a term with the query, with its similarity, in
    /// no order: for a caller that ranks them more than one way.
    /// </summary>
    public List<ContentScore> Scores(IReadOnlyList<string> queryTerms, Func<string, bool> eligible)
    {
        if (queryTerms.Count == 0) return [];
        var query = Counts(queryTerms);
        var queryNorm = 0.0;
        var dots = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (term, tf) in query)
        {
            var idf = Idf(term);
            var weight = Tf(tf) * idf;
            queryNorm += weight * weight;
            if (!_postings.TryGetValue(term, out var items)) continue;
            foreach (var (itemId, itemTf) in items)
            {
                dots[itemId] = dots.GetValueOrDefault(itemId) + weight * Tf(itemTf) * idf;
            }
        }
        queryNorm = Math.Sqrt(queryNorm);
        return dots
            .Where(kv => eligible(kv.Key))
            .Select(kv => new ContentScore(kv.Key, Math.Min(1, kv.Value / (queryNorm * Norm(_documents[kv.Key])))))
            .ToList();
    }

    /// <summary>A document's norm under the current frequencies: every upsert moves N, so it is not cached.</summary>
    private double Norm(Dictionary<string, int> counts)
    {
        var sum = 0.0;
        foreach (var (term, tf) in counts)
        {
            var weight = Tf(tf) * Idf(term);
            sum += weight * weight;
        }
        return Math.Sqrt(sum);
    }

    private static double Tf(int count) => 1 + Math.Log(count);

    private static Dictionary<string, int> Counts(IReadOnlyList<string> terms)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var term in terms) counts[term] = counts.GetValueOrDefault(term) + 1;
        return counts;
    }
}
