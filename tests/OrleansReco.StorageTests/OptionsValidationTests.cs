using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansReco.Grains.Storage;

namespace OrleansReco.StorageTests;

/// <summary>Settings of the state storage (<c>Reco:Storage</c>), as the silo binds them; no table is reached.</summary>
public sealed class OptionsValidationTests
{
    [Fact]
    public void A_missing_connection_string_names_the_configuration_key()
    {
        var error = Assert.Throws<OrleansConfigurationException>(() => Register(new() { ["Reco:Storage:TableName"] = "Some" }));

        Assert.Contains("Reco:Storage:ConnectionString", error.Message);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("1table")]
    [InlineData("my-table")]
    public void An_invalid_table_name_is_refused_at_start_up(string tableName)
    {
        var services = Register(new() { ["Reco:Storage:ConnectionString"] = "UseDevelopmentStorage=true", ["Reco:Storage:TableName"] = tableName });

        Assert.Throws<OrleansConfigurationException>(() =>
        {
            foreach (var validator in services.GetServices<IConfigurationValidator>())
            {
                validator.ValidateConfiguration();
            }
        });
    }

    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var services = Register(new() { ["Reco:Storage:ConnectionString"] = "UseDevelopmentStorage=true" });

        var options = services.GetRequiredService<IOptionsMonitor<AzureTableStorageOptions>>().Get("reco.table");
        Assert.Equal("OrleansRecoState", options.TableName);
        Assert.True(options.DeleteStateOnClear);
        Assert.False(options.UseStringFormat);
    }

    private static ServiceProvider Register(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSerializer();
        services.AddSingleton<IGrainStorageSerializer, ExactSizeGrainStorageSerializer>();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        new Silo(services, configuration).AddAzureTableStateStorage("reco", configuration);
        return services.BuildServiceProvider();
    }

    private sealed record Silo(IServiceCollection Services, IConfiguration Configuration) : ISiloBuilder;
}
