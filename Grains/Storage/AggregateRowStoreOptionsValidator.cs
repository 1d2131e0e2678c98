using Orleans;
using Orleans.Runtime;

namespace OrleansReco.Grains.Storage;

/// <summary>Fails silo start-up on aggregate-store settings that would otherwise only fail at the first checkpoint.</summary>
/// <param name="stateTable">
/// The state's connection string and table, when known: aggregate rows live in a table of their own.
/// </param>
public sealed class AggregateRowStoreOptionsValidator(AggregateRowStoreOptions options, (string? ConnectionString, string TableName)? stateTable = null)
    : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        const string section = AggregateRowStoreOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new OrleansConfigurationException($"Aggregate row store: {section}:ConnectionString is not set.");
        }

        if (!TableCreation.IsValidName(options.AggregateTableName))
        {
            throw new OrleansConfigurationException(
                $"Aggregate row store: {section}:AggregateTableName '{options.AggregateTableName}' is invalid; Azure table names are " +
                "3 to 63 letters or digits and do not start with a digit.");
        }

        if (options.AggregatePartitions is < 1 or > AggregateRowStoreOptions.MaxPartitions)
        {
            throw new OrleansConfigurationException(
                $"Aggregate row store: {section}:AggregatePartitions is {options.AggregatePartitions}; it must be 1 to {AggregateRowStoreOptions.MaxPartitions}.");
        }

        // Table names are case-insensitive in Azure.
        if (stateTable is { } state
            && string.Equals(state.ConnectionString, options.ConnectionString, StringComparison.Ordinal)
            && string.Equals(state.TableName, options.AggregateTableName, StringComparison.OrdinalIgnoreCase))
        {
            throw new OrleansConfigurationException(
                $"Aggregate row store: {section}:AggregateTableName '{options.AggregateTableName}' is the state table; aggregate rows live in a table of their own.");
        }
    }
}
