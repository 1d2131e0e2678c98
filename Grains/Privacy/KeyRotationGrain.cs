using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Grains.Privacy;

/// <summary>
/// Runs a master-key rotation pass (the admin command behind <c>POST /v1/admin/keys/rewrap</c>). Not reentrant, so
/// passes never overlap; a repeated pass is harmless and finds only what is left. Uses the current master key of the
/// silo it runs on: rotate only once every silo runs with the new <c>CurrentKeyId</c>.
/// </summary>
public sealed class KeyRotationGrain(UserKeyRotation rotation) : Grain, IKeyRotationGrain
{
    public Task<KeyRotationReport> RewrapAll() => rotation.RewrapAllAsync();
}
