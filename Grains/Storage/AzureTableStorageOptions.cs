using Orleans.Storage;

namespace OrleansReco.Grains.Storage;

/// <summary>
/// Settings of one <see cref="AzureTableGrainStorage"/> provider, bound from <c>Reco:Storage</c> by the silo.
/// Only connection strings are supported (Azurite locally, a storage account key or SAS in production):
/// Azure.Identity is not a dependency of this project.
/// </summary>
public sealed class AzureTableStorageOptions : IStorageProviderSerializerOptions
{
    public const string SectionName = "Reco:Storage";
    public const string DefaultTableName = "OrleansRecoState";

    /// <summary>
    /// Azure Storage connection string. <c>UseDevelopmentStorage=true</c> targets Azurite on its default table
    /// port 10002; an explicit Azurite string (<c>TableEndpoint=http://127.0.0.1:port/devstoreaccount1</c>)
    /// targets any other port.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Table holding the state rows; created at silo start if missing.</summary>
    public string TableName { get; set; } = DefaultTableName;

    /// <summary>
    /// When true (default) clearing a grain's state deletes its row, so nothing of an erased user remains.
    /// When false the row is overwritten with an empty state and kept.
    /// </summary>
    public bool DeleteStateOnClear { get; set; } = true;

    /// <summary>
    /// Serializer for state payloads. Left null, it is filled in from DI as Orleans' own providers do:
    /// the serializer keyed by the provider name, else the silo's default <see cref="IGrainStorageSerializer"/>.
    /// </summary>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;
}
