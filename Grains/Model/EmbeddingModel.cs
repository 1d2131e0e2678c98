using System.Numerics;
using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Grains.Model;

/// <summary>
/// One trained model version in memory: every item's vector, Y^T Y and the settings it was trained with, so that a
/// fold-in here solves exactly the equations training solved, and the item-to-item (EASE) weights of the items that
/// model covers, and the shopper segments trained with them. Immutable, shared by all grains of a silo.
/// </summary>
public sealed class EmbeddingModel
{
    private readonly Dictionary<string, int> _index;
    private readonly float[] _norms;

    /// <summary>The vectors in double, as the fold-in's least squares needs them; kept to spare a copy per fold-in.</summary>
    private readonly double[][] _precise;

    /// <summary>Item-to-item weights by item index: the targets' indexes and the weights; null for an item not covered.</summary>
    private readonly int[]?[] _weightTargets;
    private readonly float[]?[] _weightValues;

    public EmbeddingModel(
        long version, AlsSettings settings, IReadOnlyList<(string ItemId, float[] Vector)> items,
        IReadOnlyDictionary<string, ItemWeight[]>? itemWeights = null, IReadOnlyList<ShopperSegment>? segments = null)
    {
        Segments = segments ?? [];
        Version = version;
        Settings = settings;
        Items = items.Select(i => i.ItemId).ToArray();
        Vectors = items.Select(i => i.Vector).ToArray();
        _precise = Vectors.Select(ToDouble).ToArray();
        _norms = Vectors.Select(v => MathF.Sqrt(Dot(v, v))).ToArray();
        _index = new Dictionary<string, int>(Items.Length, StringComparer.Ordinal);
        for (var i = 0; i < Items.Length; i++) _index[Items[i]] = i;
        Gram = ImplicitAls.Gram(_precise, settings.Factors);
        _weightTargets = new int[]?[Items.Length];
        _weightValues = new float[]?[Items.Length];
        foreach (var (itemId, row) in itemWeights ?? new Dictionary<string, ItemWeight[]>())
        {
            if (!_index.TryGetValue(itemId, out var i)) continue;
            // A weight to an item outside the model cannot be scored against the other parts: a model from one
            // training holds both, so this only guards against a hand-made one.
            var known = row.Where(w => _index.ContainsKey(w.ItemId)).ToArray();
            _weightTargets[i] = known.Select(w => _index[w.ItemId]).ToArray();
            _weightValues[i] = known.Select(w => w.Weight).ToArray();
        }
    }

    public long Version { get; }
    public AlsSettings Settings { get; }
    public string[] Items { get; }
    public float[][] Vectors { get; }
    public double[] Gram { get; }

    /// <summary>The shopper segments of this version, by id; empty when segments are off or too few shoppers trained.</summary>
    public IReadOnlyList<ShopperSegment> Segments { get; }

    /// <summary>
    /// The segment of a shopper whose vector (folded in against this version) is <paramref name="user"/>: the nearest
    /// centroid, the rule training counted the segments' shoppers by. Null without segments.
    /// </summary>
    public ShopperSegment? SegmentOf(float[] user) => ShopperSegmentation.Nearest(Segments, user);

    public bool Contains(string itemId) => _index.ContainsKey(itemId);

    /// <summary>
    /// The user's vector for a history of (item, preference strength): the least-squares solution against the item
    /// vectors. Null when no history item is in the model (the user then has no embedding).
    /// </summary>
    public float[]? FoldIn(IEnumerable<(string ItemId, double Strength)> history)
    {
        var vectors = new List<double[]>();
        var strengths = new List<double>();
        foreach (var (itemId, strength) in history)
        {
            if (strength > 0 && _index.TryGetValue(itemId, out var i))
            {
                vectors.Add(_precise[i]);
                strengths.Add(strength);
            }
        }
        return vectors.Count == 0 ? null : Array.ConvertAll(ImplicitAls.Solve(Gram, vectors, strengths, Settings), v => (float)v);
    }

    /// <summary>
    /// score(u,j) = sum over history items i of a(u,i) * B(i,j), the learned item-to-item weights, for every item some
    /// history item has a weight to, each with the history item that added most (the first of equals). Dense arrays
    /// over the catalogue instead of the neighbourhood scoring's dictionary: a full history reads 20,000 weights on
    /// every recommendation.
    /// </summary>
    public ItemToItemScores ItemToItem(IReadOnlyList<(string ItemId, double Affinity)> history)
    {
        var scores = new ItemToItemScores(this, history);
        for (var h = 0; h < history.Count; h++)
        {
            if (!_index.TryGetValue(history[h].ItemId, out var i) || _weightTargets[i] is not { } targets) continue;
            scores.Add(h, history[h].Affinity, targets, _weightValues[i]!);
        }
        return scores;
    }

    /// <summary>Predicted preference x.y of the user for an item; null when the item is not in the model.</summary>
    public double? Score(float[] user, string itemId) =>
        _index.TryGetValue(itemId, out var i) ? Dot(user, Vectors[i]) : null;

    /// <summary>
    /// The <paramref name="count"/> items of highest predicted preference that <paramref name="allowed"/> accepts,
    /// best first, ties by id. A full scan: linear in the catalogue, about 0.1 ms per thousand items at 64 factors.
    /// </summary>
    public List<(string ItemId, double Score)> Top(float[] user, int count, Func<string, bool> allowed) =>
        Best(Enumerable.Range(0, Items.Length), i => Dot(user, Vectors[i]), count, allowed)
            .ConvertAll(b => (Items[b.Index], b.Score));

    /// <summary>
    /// Of the items at <paramref name="indexes"/>, the <paramref name="count"/> of highest <paramref name="score"/> that
    /// <paramref name="allowed"/> accepts, best first, ties by id: a bounded queue, so no candidate list is sorted whole,
    /// and <paramref name="allowed"/> is asked only of items that would make the list.
    /// </summary>
    private List<(int Index, double Score)> Best(IEnumerable<int> indexes, Func<int, double> score, int count, Func<string, bool> allowed)
    {
        var best = new PriorityQueue<int, (double Score, string Id)>(count + 1, WorstFirst.Instance);
        foreach (var i in indexes)
        {
            var key = (score(i), Items[i]);
            if (best.Count == count && best.TryPeek(out _, out var worst) && WorstFirst.Instance.Compare(key, worst) <= 0) continue;
            if (!allowed(Items[i])) continue;
            best.Enqueue(i, key);
            if (best.Count > count) best.Dequeue();
        }
        var top = new List<(int Index, double Score)>(best.Count);
        while (best.TryDequeue(out var i, out var key)) top.Add((i, key.Score));
        top.Reverse();
        return top;
    }

    /// <summary>Of the given items, the one whose vector points most the same way as the item's: why it is suggested.</summary>
    public string? MostAlike(string itemId, IEnumerable<string> candidates)
    {
        if (!_index.TryGetValue(itemId, out var target)) return null;
        string? best = null;
        var bestCosine = float.NegativeInfinity;
        foreach (var candidate in candidates)
        {
            if (!_index.TryGetValue(candidate, out var i) || i == target) continue;
            var cosine = Cosine(i, target);
            if (cosine > bestCosine)
            {
                bestCosine = cosine;
                best = candidate;
            }
        }
        return best;
    }

    /// <summary>
    /// The similarity of two items for diversifying a list: the cosine of their vectors, clamped to [0, 1]: negatives count 0 (items
    /// that point apart are no more alike than unrelated ones); 0 when either item is not in
    /// the model (nothing says it is alike). Exact for every pair the model holds, and a dot product from memory.
    /// </summary>
    public double Similarity(string a, string b) =>
        _index.TryGetValue(a, out var i) && _index.TryGetValue(b, out var j) ? Math.Clamp(Cosine(i, j), 0, 1) : 0;

    /// <summary>
    /// <see cref="Similarity(string, string)"/> between positions of <paramref name="items"/>, each item looked up once:
    /// what a re-ranking asks count x pool times.
    /// </summary>
    public Func<int, int, double> Similarities(IReadOnlyList<string> items)
    {
        var indexes = items.Select(item => _index.TryGetValue(item, out var i) ? i : -1).ToArray();
        return (a, b) => indexes[a] < 0 || indexes[b] < 0 ? 0 : Math.Clamp(Cosine(indexes[a], indexes[b]), 0, 1);
    }

    private float Cosine(int i, int j) => Dot(Vectors[i], Vectors[j]) / (_norms[i] * _norms[j] + float.Epsilon);

    /// <summary>x.y a SIMD vector at a time: the inner loop of the candidate scan.</summary>
    private static float Dot(float[] x, float[] y)
    {
        var i = 0;
        var sum = 0f;
        if (Vector.IsHardwareAccelerated)
        {
            var partial = Vector<float>.Zero;
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                partial += new Vector<float>(x, i) * new Vector<float>(y, i);
            }
            sum = Vector.Sum(partial);
        }
        for (; i < x.Length; i++) sum += x[i] * y[i];
        return sum;
    }

    private static double[] ToDouble(float[] vector) => Array.ConvertAll(vector, v => (double)v);

    /// <summary>One user's item-to-item scores against this model: the best candidates, and any one item's score.</summary>
    public sealed class ItemToItemScores
    {
        private readonly EmbeddingModel _model;
        private readonly IReadOnlyList<(string ItemId, double Affinity)> _history;
        private readonly double[] _totals;
        private readonly double[] _best;
        private readonly int[] _because;
        private readonly List<int> _touched = [];

        internal ItemToItemScores(EmbeddingModel model, IReadOnlyList<(string ItemId, double Affinity)> history)
        {
            _model = model;
            _history = history;
            _totals = new double[model.Items.Length];
            _best = new double[model.Items.Length];
            _because = new int[model.Items.Length];
        }

        internal void Add(int historyIndex, double affinity, int[] targets, float[] weights)
        {
            for (var n = 0; n < targets.Length; n++)
            {
                var j = targets[n];
                var contribution = affinity * weights[n];
                if (_because[j] == 0)
                {
                    _touched.Add(j);
                    (_totals[j], _best[j], _because[j]) = (contribution, contribution, historyIndex + 1);
                }
                else
                {
                    _totals[j] += contribution;
                    if (contribution > _best[j]) (_best[j], _because[j]) = (contribution, historyIndex + 1);
                }
            }
        }

        /// <summary>The item's score and strongest history item; null when no history item has a weight to it.</summary>
        public ScoredItem? Find(string itemId) =>
            _model._index.TryGetValue(itemId, out var j) && _because[j] > 0 ? Scored(j) : null;

        /// <summary>The <paramref name="count"/> best items <paramref name="allowed"/> accepts, best first, ties by id.</summary>
        public List<ScoredItem> Top(int count, Func<string, bool> allowed) =>
            _model.Best(_touched, j => _totals[j], count, allowed).ConvertAll(b => Scored(b.Index));

        private ScoredItem Scored(int j) => new(_model.Items[j], _totals[j], _history[_because[j] - 1].ItemId);
    }

    /// <summary>Lower score first, and of equal scores the larger id, so the queue drops exactly what a sort would.</summary>
    private sealed class WorstFirst : IComparer<(double Score, string Id)>
    {
        public static readonly WorstFirst Instance = new();

        public int Compare((double Score, string Id) x, (double Score, string Id) y)
        {
            var byScore = x.Score.CompareTo(y.Score);
            return byScore != 0 ? byScore : string.CompareOrdinal(y.Id, x.Id);
        }
    }
}
