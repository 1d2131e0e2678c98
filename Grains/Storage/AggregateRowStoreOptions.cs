using Azure.Data.Tables;

namespace OrleansReco.Grains.Storage;

/// <summary>
/// Settings of <see cref="AzureTableAggregateRowStore"/>, bound from <c>Reco:Storage</c>: the connection string is the
/// state's, the table and the number of partitions are the store's own.
/// </summary>
public sealed class AggregateRowStoreOptions
{
    public const string SectionName = StateStorage.SectionName;
    public const string DefaultTableName = "OrleansRecoAggregates";
    public const int DefaultPartitions = 64;
    public const int MaxPartitions = 4096;

    /// <summary>Azure Storage connection string (<c>Reco:Storage:ConnectionString</c>, shared with the state).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Table holding the aggregate rows (<c>Reco:Storage:AggregateTableName</c>); created at silo start if missing.</summary>
    public string AggregateTableName { get; set; } = DefaultTableName;

    /// <summary>
    /// How many partitions the owners of one service are spread over (<c>Reco:Storage:AggregatePartitions</c>, 1 to 4096).
    /// Fewer partitions put more owners' checkpoints in each transaction; more spread the load over more partition
    /// servers. An owner's partition follows from this number, so it is fixed once rows are stored: changing it
    /// leaves every stored owner where a store with the new number will not look.
    /// </summary>
    public int AggregatePartitions { get; set; } = DefaultPartitions;

    /// <summary>Options of the table client (retries, transport, diagnostics), for code; null takes the SDK's defaults.</summary>
    public TableClientOptions? ClientOptions { get; set; }
}
