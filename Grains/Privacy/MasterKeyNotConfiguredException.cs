namespace OrleansReco.Grains.Privacy;

/// <summary>A data key is wrapped by a master key that is not (or no longer) in the configuration.</summary>
public sealed class MasterKeyNotConfiguredException(string masterKeyId) : InvalidOperationException(
    $"A user data key is wrapped by master key '{masterKeyId}', which is not configured ({MasterKeyOptions.SectionName}:Keys). " +
    "Configure it again until every data key is rewrapped under the current key (POST /v1/admin/keys/rewrap until it reports Remaining 0).")
{
    public string MasterKeyId { get; } = masterKeyId;
}
