namespace OrleansReco.Grains.Model;

/// <summary>Item-item similarity from co-occurrence and occurrence counts, as in SAR.</summary>
public static class Similarity
{
    public static double Compute(SimilarityKind kind, int coOccurrence, int occurrenceA, int occurrenceB)
    {
        if (coOccurrence <= 0 || occurrenceA <= 0 || occurrenceB <= 0) return 0;
        return kind switch
        {
            SimilarityKind.Jaccard => coOccurrence / (double)(occurrenceA + occurrenceB - coOccurrence),
            SimilarityKind.Cosine => coOccurrence / Math.Sqrt((double)occurrenceA * occurrenceB),
            SimilarityKind.Lift => coOccurrence / ((double)occurrenceA * occurrenceB),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }
}
