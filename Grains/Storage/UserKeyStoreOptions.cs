namespace OrleansReco.Grains.Storage;

/// <summary>
/// Settings of <see cref="AzureTableUserKeyStore"/>, bound from <c>Reco:KeyStorage</c>. The connection string falls
/// back to <c>Reco:Storage:ConnectionString</c>: the keys' own table can share the account (it is still apart from
/// the state) or live in an account of its own.
/// </summary>
public sealed class UserKeyStoreOptions
{
    public const string SectionName = "Reco:KeyStorage";
    public const string DefaultTableName = "OrleansRecoKeys";

    public string? ConnectionString { get; set; }

    /// <summary>Table holding one row per user with a wrapped data key; created at silo start if missing.</summary>
    public string TableName { get; set; } = DefaultTableName;
}
