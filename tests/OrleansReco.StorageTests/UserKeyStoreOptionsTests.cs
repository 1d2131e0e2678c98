using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using OrleansReco.Grains.Storage;

namespace OrleansReco.StorageTests;

public sealed class UserKeyStoreOptionsTests
{
    private const string Name = "reco-keys";

    [Fact]
    public void The_key_table_defaults_to_its_own_table_in_the_state_account()
    {
        var (options, validate) = Bind(new() { ["Reco:Storage:ConnectionString"] = "UseDevelopmentStorage=true" });

        Assert.Equal(("UseDevelopmentStorage=true", "OrleansRecoKeys"), (options.ConnectionString, options.TableName));
        validate();
    }

    [Fact]
    public void Reco_KeyStorage_overrides_the_account_and_the_table()
    {
        var (options, validate) = Bind(new()
        {
            ["Reco:Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Reco:KeyStorage:ConnectionString"] = "DefaultEndpointsProtocol=https;AccountName=keys;AccountKey=a2V5;EndpointSuffix=core.windows.net",
            ["Reco:KeyStorage:TableName"] = "ShopKeys",
        });

        Assert.Equal(("DefaultEndpointsProtocol=https;AccountName=keys;AccountKey=a2V5;EndpointSuffix=core.windows.net", "ShopKeys"),
            (options.ConnectionString, options.TableName));
        validate();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("OrleansRecoState")]
    [InlineData("orleansrecostate")]
    public void The_state_table_is_refused_for_keys(string? stateTable)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Reco:Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Reco:KeyStorage:TableName"] = "OrleansRecoState",
        };
        if (stateTable is not null)
        {
            settings["Reco:Storage:TableName"] = stateTable;
        }

        var error = Assert.Throws<OrleansConfigurationException>(Bind(settings).Validate);

        Assert.Contains("apart from the state", error.Message);
    }

    [Fact]
    public void A_missing_connection_string_names_both_settings()
    {
        var error = Assert.Throws<OrleansConfigurationException>(Bind([]).Validate);

        Assert.Contains("Reco:KeyStorage:ConnectionString", error.Message);
        Assert.Contains("Reco:Storage:ConnectionString", error.Message);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("1keys")]
    [InlineData("my-keys")]
    public void An_invalid_table_name_is_refused(string tableName)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Reco:Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Reco:KeyStorage:TableName"] = tableName,
        };

        Assert.Throws<OrleansConfigurationException>(Bind(settings).Validate);
    }

    /// <summary>Registers the store from configuration as the silo host does, and returns its options and validation.</summary>
    private static (UserKeyStoreOptions Options, Action Validate) Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var silo = new SiloBuilderStub(new ServiceCollection(), configuration);
        silo.AddAzureTableUserKeyStore(Name, configuration);
        var provider = silo.Services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptionsMonitor<UserKeyStoreOptions>>().Get(Name);
        return (options, () =>
        {
            foreach (var validator in provider.GetServices<Orleans.IConfigurationValidator>())
            {
                validator.ValidateConfiguration();
            }
        });
    }

    private sealed record SiloBuilderStub(IServiceCollection Services, IConfiguration Configuration) : ISiloBuilder;
}
