namespace OrleansReco.Tools.Gateway;

/// <summary>
/// How often and how long to wait when the gateway answers 429 or 503 (the request was not processed, so sending
/// it again cannot duplicate events). Exponential from <see cref="BaseDelay"/>, or the server's Retry-After,
/// never more than <see cref="MaxDelay"/>.
/// </summary>
public sealed record RetryPolicy(int MaxRetries, TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    public static RetryPolicy Default { get; } = new(6, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));

    public TimeSpan DelayBefore(int retry, TimeSpan? retryAfter)
    {
        var exponential = BaseDelay * Math.Pow(2, Math.Min(retry - 1, 20));
        var delay = retryAfter ?? exponential;
        return delay > MaxDelay ? MaxDelay : delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }
}
