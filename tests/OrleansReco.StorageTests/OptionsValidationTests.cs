using Orleans.Runtime;
using OrleansReco.Grains.Storage;

namespace OrleansReco.StorageTests;

public sealed class OptionsValidationTests
{
    [Fact]
    public void A_missing_connection_string_names_the_configuration_key()
    {
        var options = new AzureTableStorageOptions();

        var error = Assert.Throws<OrleansConfigurationException>(() => new AzureTableStorageOptionsValidator(options, "reco").ValidateConfiguration());

        Assert.Contains("Reco:Storage:ConnectionString", error.Message);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("1table")]
    [InlineData("my-table")]
    public void An_invalid_table_name_is_refused_at_start_up(string tableName)
    {
        var options = new AzureTableStorageOptions { ConnectionString = "UseDevelopmentStorage=true", TableName = tableName };

        Assert.Throws<OrleansConfigurationException>(() => new AzureTableStorageOptionsValidator(options, "reco").ValidateConfiguration());
    }

    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var options = new AzureTableStorageOptions();

        Assert.Equal("OrleansRecoState", options.TableName);
        Assert.True(options.DeleteStateOnClear);
    }
}
