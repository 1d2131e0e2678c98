using Orleans;
using Orleans.Runtime;

namespace OrleansReco.Grains.Storage;

/// <summary>Fails silo start-up on key-store settings that would otherwise only fail at a user's first write.</summary>
/// <param name="stateTable">
/// The state's connection string and table, when known: the keys must not share a table with the data they protect.
/// </param>
public sealed class UserKeyStoreOptionsValidator(UserKeyStoreOptions options, string name, (string? ConnectionString, string TableName)? stateTable = null)
    : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new OrleansConfigurationException(
                $"User key store '{name}': no connection string; set {UserKeyStoreOptions.SectionName}:ConnectionString " +
                $"or {StateStorage.SectionName}:ConnectionString.");
        }

        if (!TableCreation.IsValidName(options.TableName))
        {
            throw new OrleansConfigurationException(
                $"User key store '{name}': table name '{options.TableName}' is invalid; Azure table names are " +
                "3 to 63 letters or digits and do not start with a digit.");
        }

        // Table names are case-insensitive in Azure.
        if (stateTable is { } state
            && string.Equals(state.ConnectionString, options.ConnectionString, StringComparison.Ordinal)
            && string.Equals(state.TableName, options.TableName, StringComparison.OrdinalIgnoreCase))
        {
            throw new OrleansConfigurationException(
                $"User key store '{name}': {UserKeyStoreOptions.SectionName}:TableName '{options.TableName}' is the state table; " +
                "wrapped keys must live apart from the state they protect.");
        }
    }
}
