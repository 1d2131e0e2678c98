using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Grains.Privacy;

[GenerateSerializer, Alias("OrleansReco.ErasureReceiptState")]
public sealed class ErasureReceiptState
{
    [Id(0)] public ErasureReceipt? Receipt { get; set; }
}
