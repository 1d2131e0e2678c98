using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Grains.Model;

/// <summary>Hyper-parameters of the item-to-item model: L2 penalty, how many items it covers, weights kept per item.</summary>
public sealed record EaseSettings(double Regularization, int MaxItems, int Neighbours)
{
    public static EaseSettings From(ModelOptions options) => new(options.EaseRegularization, options.EaseMaxItems, options.EaseNeighbours);

    /// <summary>The dense matrix training holds, in bytes, for a catalogue of <paramref name="items"/>.</summary>
    public long TrainingBytes(int items)
    {
        long order = Math.Min(items, MaxItems);
        return order * order * sizeof(double);
    }
}

/// <summary>
/// EASE (Steck 2019): the item-to-item weights B that best rebuild each user's history row from the user's other
/// items, min |X - XB|^2 + lambda |B|^2 with a zero diagonal, in closed form: P = (X^T X + lambda I)^-1,
/// B(i,j) = -P(i,j) / P(j,j). X holds the matrix's values: the trainer passes <see cref="RecencyRows"/>, each entry
/// decayed by its age relative to the newest event of all, so the weights follow what shoppers buy together now
/// (a shop's season) rather than all year; not the affinity, so a heavy shopper does not outweigh many light ones.
/// The inverse is dense and cubic in the items, so only the <see cref="EaseSettings.MaxItems"/> items held by most
/// users take part; each keeps its <see cref="EaseSettings.Neighbours"/> weights of largest magnitude (negative
/// weights too: they say an item makes another less likely). Deterministic: the same histories give the same weights.
/// </summary>
public static class Ease
{
    /// <summary>
    /// Each history entry weighted 2^(-(newest - last seen) / half-life), newest being the latest event of any history:
    /// event time, so a replay trains what the live shop would have. 1 for the newest entries, 1/2 a half-life before;
    /// a zero half-life weighs every entry 1.
    /// </summary>
    public static IEnumerable<(string User, IReadOnlyList<(string Item, double Strength)> Items)> RecencyRows(
        IReadOnlyList<(string User, IReadOnlyList<HistoryAffinity> Items)> histories, TimeSpan halfLife)
    {
        var newest = histories.SelectMany(h => h.Items).Select(x => x.LastSeen).DefaultIfEmpty().Max();
        return histories.Select(h =>
            (h.User, (IReadOnlyList<(string, double)>)h.Items
                .Select(x => (x.ItemId, halfLife > TimeSpan.Zero ? EventTime.Decay(newest - x.LastSeen, halfLife) : 1.0))
                .ToList()));
    }

    /// <summary>For each covered item, its weights to other items, largest first.</summary>
    public static Dictionary<string, ItemWeight[]> Train(InteractionMatrix matrix, EaseSettings settings, CancellationToken cancellationToken = default)
    {
        var covered = Enumerable.Range(0, matrix.Items.Length)
            .OrderByDescending(i => matrix.ItemUsers[i].Length)
            .ThenBy(i => i)
            .Take(settings.MaxItems)
            .Order()
            .ToArray();
        var order = covered.Length;
        var position = Enumerable.Repeat(-1, matrix.Items.Length).ToArray();
        for (var p = 0; p < order; p++) position[covered[p]] = p;

        var gram = new double[order * order];
        for (var u = 0; u < matrix.UserItems.Length; u++)
        {
            var held = matrix.UserItems[u]
                .Select((i, n) => (Position: position[i], Value: matrix.UserValues[u][n]))
                .Where(x => x.Position >= 0)
                .ToArray();
            foreach (var a in held)
            {
                foreach (var b in held) gram[a.Position * order + b.Position] += a.Value * b.Value;
            }
        }
        for (var p = 0; p < order; p++) gram[p * order + p] += settings.Regularization;
        SymmetricInverse.Invert(gram, order, cancellationToken);

        var weights = new ItemWeight[order][];
        Parallel.For(0, order, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            weights[i] = Enumerable.Range(0, order)
                .Where(j => j != i)
                .Select(j => (Index: j, Weight: -gram[i * order + j] / gram[j * order + j]))
                .Where(w => w.Weight != 0)
                .OrderByDescending(w => Math.Abs(w.Weight))
                .ThenBy(w => w.Index)
                .Take(settings.Neighbours)
                .OrderByDescending(w => w.Weight)
                .ThenBy(w => w.Index)
                .Select(w => new ItemWeight(matrix.Items[covered[w.Index]], (float)w.Weight))
                .ToArray();
        });
        var byItem = new Dictionary<string, ItemWeight[]>(order, StringComparer.Ordinal);
        for (var p = 0; p < order; p++) byItem[matrix.Items[covered[p]]] = weights[p];
        return byItem;
    }
}
