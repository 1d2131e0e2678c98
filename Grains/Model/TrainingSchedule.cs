namespace OrleansReco.Grains.Model;

/// <summary>When the embedding trainer trains without being asked.</summary>
public static class TrainingSchedule
{
    /// <summary>
    /// Due when the last attempt is <paramref name="every"/> old (never, when zero), or when a history was retracted
    /// since the current model was trained: then at most once per <paramref name="check"/>, however many erasures
    /// arrive. A cluster that never tried is due at once.
    /// </summary>
    public static bool IsDue(DateTimeOffset now, DateTimeOffset? lastAttempt, bool retractedSinceTraining, TimeSpan every, TimeSpan check)
    {
        var sinceLast = lastAttempt is { } last ? now - last : TimeSpan.MaxValue;
        return (every > TimeSpan.Zero && sinceLast >= every) || (retractedSinceTraining && sinceLast >= check);
    }

    /// <summary>
    /// An estimate of when every silo serves a model trained after an erasure noted now: the retraining starts at
    /// <paramref name="retrainAt"/>, or when the training running since <paramref name="runningSince"/> ends if that is
    /// later (it may have read the erased history); each training takes <paramref name="trainingTime"/> (the last one's
    /// duration); silos pick the new version up within <paramref name="refreshPeriod"/>.
    /// </summary>
    public static DateTimeOffset ModelCleanBy(
        DateTimeOffset retrainAt, DateTimeOffset? runningSince, TimeSpan trainingTime, TimeSpan refreshPeriod)
    {
        var start = runningSince is { } since && since + trainingTime > retrainAt ? since + trainingTime : retrainAt;
        return start + trainingTime + refreshPeriod;
    }
}
