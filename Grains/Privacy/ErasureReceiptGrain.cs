using OrleansReco.Grains.Hosting;
using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Grains.Privacy;

/// <summary>Keeps one erasure receipt: an id, a time, a salted HMAC of the erased id and a count. No personal data.</summary>
public sealed class ErasureReceiptGrain(
    [PersistentState("receipt", RecoStorage.State)] IPersistentState<ErasureReceiptState> state) : Grain, IErasureReceiptGrain
{
    public async Task Record(ErasureReceipt receipt)
    {
        state.State.Receipt = receipt;
        await state.WriteStateAsync();
    }

    public Task<ErasureReceipt?> Get() => Task.FromResult(state.State.Receipt);
}
