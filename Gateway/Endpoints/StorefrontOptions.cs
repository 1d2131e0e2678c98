namespace OrleansReco.Gateway.Endpoints;

/// <summary>Bound from <c>Reco:Storefront</c>.</summary>
public sealed class StorefrontOptions
{
    public const string SectionName = "Reco:Storefront";

    /// <summary>
    /// How long an event or read request of the storefront waits for the cluster before it answers 503. Without it, a
    /// request that was inside a silo when the silo crashed would wait for the Orleans client's response timeout (30 s):
    /// Orleans breaks such calls inside the cluster, not in an external client, and a call sent on the gateway
    /// connection of a silo that just died is lost the same way. This timeout is then what such a shopper waits
    /// before a retry reaches the grain's new activation, so it sets the longest outage of a failover: 3 s leaves
    /// room under the 5 s target on a loaded machine, and is still about three times the slowest requests measured
    /// under load (100-event batches).
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The call, or a <see cref="TimeoutException"/> (answered 503) once <see cref="RequestTimeout"/> has passed.</summary>
    public Task<T> Within<T>(Task<T> call) => call.WaitAsync(RequestTimeout);

    /// <inheritdoc cref="Within{T}(Task{T})"/>
    public Task Within(Task call) => call.WaitAsync(RequestTimeout);
}
