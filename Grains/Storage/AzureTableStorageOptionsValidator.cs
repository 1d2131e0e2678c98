using System.Text.RegularExpressions;
using Orleans;
using Orleans.Runtime;

namespace OrleansReco.Grains.Storage;

/// <summary>Fails silo start-up on settings that would otherwise only fail at the first grain write.</summary>
public sealed partial class AzureTableStorageOptionsValidator(AzureTableStorageOptions options, string name) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new OrleansConfigurationException(
                $"Grain storage '{name}': {nameof(AzureTableStorageOptions.ConnectionString)} is not set " +
                $"(configuration key {AzureTableStorageOptions.SectionName}:ConnectionString).");
        }

        if (!IsValidTableName(options.TableName))
        {
            throw new OrleansConfigurationException(
                $"Grain storage '{name}': table name '{options.TableName}' is invalid; Azure table names are " +
                "3 to 63 letters or digits and do not start with a digit.");
        }

        if (options.GrainStorageSerializer is null)
        {
            throw new OrleansConfigurationException(
                $"Grain storage '{name}': no {nameof(AzureTableStorageOptions.GrainStorageSerializer)} is configured and none is registered in DI.");
        }
    }

    /// <summary>Azure's rule for table names; the key store's table follows it too.</summary>
    internal static bool IsValidTableName(string? tableName) => TableNamePattern().IsMatch(tableName ?? string.Empty);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableNamePattern();
}
