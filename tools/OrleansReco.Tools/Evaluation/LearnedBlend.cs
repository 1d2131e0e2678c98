using Microsoft.ML;
using Microsoft.ML.Data;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;
using RankingMetrics = OrleansReco.Grains.Model.RankingMetrics;

namespace OrleansReco.Tools.Evaluation;

/// <summary>
/// Whether a learned ranker beats the linear blend: LambdaRank (Microsoft.ML FastTree) over every candidate's
/// features, against the linear blend's order of the very same candidates. Two-fold over the users: the ranker is
/// trained on one half and scored on the other, and the other way round; the linear blend is scored on the same
/// halves. Run it on a validation window, never on test.
/// </summary>
public static class LearnedBlend
{
    public sealed record Comparison(double LearnedNdcg, double LinearNdcg, int Users, long Candidates);

    public static Comparison Compare(
        IReadOnlyDictionary<string, IReadOnlyList<CandidateFeatures>> candidates,
        IReadOnlyDictionary<string, IReadOnlySet<string>> relevant,
        BlendWeights weights,
        int k,
        int seed = 1)
    {
        var users = relevant.Keys.Order(StringComparer.Ordinal).ToList();
        var learned = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var linear = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        for (var fold = 0; fold < 2; fold++)
        {
            var trainUsers = users.Where((_, i) => i % 2 != fold).ToList();
            var scoreUsers = users.Where((_, i) => i % 2 == fold).ToList();
            var ml = new MLContext(seed);
            var model = Train(ml, trainUsers, candidates, relevant);
            foreach (var user in scoreUsers)
            {
                if (!candidates.TryGetValue(user, out var list) || list.Count == 0) continue;
                var rows = ml.Data.LoadFromEnumerable(list.Select(c => ToRow(c, label: 0, group: 0)));
                var scores = ml.Data.CreateEnumerable<Prediction>(model.Transform(rows), reuseRowObject: false).Select(p => p.Score).ToList();
                learned[user] = list.Select((c, i) => (c.ItemId, Score: (double)scores[i]))
                    .OrderByDescending(x => x.Score).ThenBy(x => x.ItemId, StringComparer.Ordinal)
                    .Take(k).Select(x => x.ItemId).ToList();
                // The product's own blend, on the same parts.
                linear[user] = HybridScoring.Rank(list.Select(c => new CandidateParts(c.ItemId, c.Neighbourhood, null, c.Embedding, c.Own, c.ItemToItem)), weights)
                    .Take(k).Select(h => h.ItemId).ToList();
            }
        }
        return new Comparison(
            RankingMetrics.Score(relevant, learned, k).NdcgAtK,
            RankingMetrics.Score(relevant, linear, k).NdcgAtK,
            users.Count,
            candidates.Values.Sum(c => (long)c.Count));
    }

    private static ITransformer Train(
        MLContext ml, List<string> users, IReadOnlyDictionary<string, IReadOnlyList<CandidateFeatures>> candidates,
        IReadOnlyDictionary<string, IReadOnlySet<string>> relevant)
    {
        var rows = new List<Row>();
        for (var u = 0; u < users.Count; u++)
        {
            if (!candidates.TryGetValue(users[u], out var list)) continue;
            var wanted = relevant[users[u]];
            rows.AddRange(list.Select(c => ToRow(c, wanted.Contains(c.ItemId) ? 1 : 0, (uint)u + 1)));
        }
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("GroupKey", "Group")
            .Append(ml.Ranking.Trainers.FastTree(labelColumnName: "Label", featureColumnName: "Features", rowGroupColumnName: "GroupKey"));
        return pipeline.Fit(data);
    }

    private static Row ToRow(CandidateFeatures c, float label, uint group) => new()
    {
        Label = label,
        Group = group,
        Features =
        [
            (float)c.Neighbourhood,
            (float)c.Embedding,
            (float)c.Own,
            double.IsNegativeInfinity(c.PopularityLog2) ? -1e4f : (float)c.PopularityLog2,
            c.InHistory ? 1f : 0f,
            (float)c.ItemToItem,
        ],
    };

    private sealed class Row
    {
        public float Label { get; set; }

        public uint Group { get; set; }

        [VectorType(6)]
        public float[] Features { get; set; } = [];
    }

    private sealed class Prediction
    {
        public float Score { get; set; }
    }
}
