namespace OrleansReco.Grains.Interfaces;

/// <summary>
/// Master-key rotation: re-wraps every stored user data key that is wrapped by a master key other than the current
/// one. Afterwards the old master key can be retired from configuration. One grain, key 0; safe to run again.
/// </summary>
[Alias("OrleansReco.IKeyRotationGrain")]
public interface IKeyRotationGrain : IGrainWithIntegerKey
{
    [Alias("RewrapAll")]
    Task<KeyRotationReport> RewrapAll();
}

/// <summary>
/// What a rotation pass did. <see cref="Remaining"/> counts keys still wrapped by a non-current master key (a key
/// whose user was erased or changed meanwhile is skipped, not counted); the old key may be retired when it is 0.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.KeyRotationReport")]
public sealed record KeyRotationReport(string CurrentKeyId, int Rewrapped, int AlreadyCurrent, int Skipped, int Remaining);
