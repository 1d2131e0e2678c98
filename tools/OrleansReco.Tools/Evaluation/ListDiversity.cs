namespace OrleansReco.Tools.Evaluation;

/// <summary>
/// What a set of lists offers beyond accuracy, printed beside nDCG so the price of a diverse list can be read off:
/// how unlike each other a list's items are, and how much of the catalogue the lists reach at all.
/// </summary>
public static class ListDiversity
{
    /// <summary>
    /// Intra-list diversity: per list, 1 - the mean similarity over its pairs of items; averaged over the lists of at
    /// least two items (a shorter list has no pair, so no diversity to speak of). The first <paramref name="k"/> items of
    /// each list count, as for the ranking metrics.
    /// </summary>
    /// <param name="similarity">Similarity of two items in [0, 1]; evaluate passes the model's (the re-ranker's own).</param>
    public static double IntraList(IEnumerable<IReadOnlyList<string>> lists, int k, Func<string, string, double> similarity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        double sum = 0;
        var scored = 0;
        foreach (var list in lists)
        {
            var items = list.Take(k).ToList();
            if (items.Count < 2) continue;
            double pairs = 0, total = 0;
            for (var a = 0; a < items.Count; a++)
            {
                for (var b = a + 1; b < items.Count; b++)
                {
                    total += similarity(items[a], items[b]);
                    pairs++;
                }
            }
            sum += 1 - total / pairs;
            scored++;
        }
        return scored == 0 ? 0 : sum / scored;
    }

    /// <summary>
    /// Catalogue coverage: the share of <paramref name="catalogue"/> that appears in any list's first
    /// <paramref name="k"/> items (items outside the catalogue do not count).
    /// </summary>
    public static double Coverage(IEnumerable<IReadOnlyList<string>> lists, int k, IReadOnlySet<string> catalogue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (catalogue.Count == 0) return 0;
        var reached = lists.SelectMany(l => l.Take(k)).Where(catalogue.Contains).ToHashSet(StringComparer.Ordinal);
        return (double)reached.Count / catalogue.Count;
    }
}
