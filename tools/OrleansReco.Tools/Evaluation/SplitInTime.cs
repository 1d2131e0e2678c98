using OrleansReco.Tools.Synthetic;

namespace OrleansReco.Tools.Evaluation;

/// <summary>
/// Whether a test file lies after its training file in time, user by user, as a live shop's next purchases do; or
/// was drawn at random from each user's events (the MovieLens protocol of Microsoft Recommenders), so most test
/// events are older than their user's newest training event. Settings that weigh what sells together now assume the
/// former: after a random split there is no "now" the test comes after.
/// </summary>
public static class SplitInTime
{
    /// <summary>False when more than half the test events of users with training events are older than that user's newest one.</summary>
    public static bool IsSplitInTime(IEnumerable<StorefrontEvent> train, IEnumerable<StorefrontEvent> test)
    {
        var newestTrain = train
            .GroupBy(e => e.UserId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(e => e.Timestamp), StringComparer.Ordinal);
        long compared = 0, older = 0;
        foreach (var e in test)
        {
            if (!newestTrain.TryGetValue(e.UserId, out var newest)) continue;
            compared++;
            if (e.Timestamp < newest) older++;
        }
        return older * 2 <= compared;
    }
}
