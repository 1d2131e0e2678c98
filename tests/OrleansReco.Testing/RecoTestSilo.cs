using OrleansReco.Grains.Hosting;
using OrleansReco.Grains.Model;

namespace OrleansReco.Testing;

/// <summary>How every in-process test silo is set up: the real grains on memory storage.</summary>
public static class RecoTestSilo
{
    public static ISiloBuilder AddRecoForTests(this ISiloBuilder silo, Action<ModelOptions>? model = null)
    {
        silo.AddMemoryGrainStorage(RecoStorage.State);
        silo.AddMemoryGrainStorage(RecoStorage.Keys);
        return silo.AddOrleansReco(configureModel: options =>
        {
            // Tests read neighbourhoods right after writing: always recompute.
            options.NeighbourhoodMaxAge = TimeSpan.Zero;
            model?.Invoke(options);
        });
    }
}
