namespace OrleansReco.Grains.Interfaces;

/// <summary>One erasure receipt, keyed by its receipt id. Holds no personal data.</summary>
[Alias("OrleansReco.IErasureReceiptGrain")]
public interface IErasureReceiptGrain : IGrainWithGuidKey
{
    [Alias("Record")]
    Task Record(ErasureReceipt receipt);

    /// <summary>The receipt, or null when no erasure has this id.</summary>
    [Alias("Get")]
    Task<ErasureReceipt?> Get();
}
