namespace OrleansReco.Grains.Model;

/// <summary>How a user's history is weighted and bounded.</summary>
public sealed record HistoryPolicy(int Limit, TimeSpan MaxAge, TimeSpan HalfLife, EventWeights Weights)
{
    public static HistoryPolicy From(ModelOptions options) =>
        new(options.HistoryLimit, options.HistoryMaxAge, options.HalfLife, EventWeights.From(options));
}
