using System.Text;
using Microsoft.Extensions.Options;
using Xunit;

namespace OrleansReco.GatewayTests;

/// <summary>Configuration that would run the gateway insecurely refuses start-up, with a message naming the setting.</summary>
[Collection(GatewayCollection.Name)]
public sealed class StartupTests(GatewayFixture fixture)
{
    private async Task<string> StartupFailure(Dictionary<string, string?> configuration, string environment = "Production")
    {
        await using var app = GatewayHost.Build(fixture.Grains, configuration, environment);
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        return failure.Message;
    }

    [Fact]
    public async Task No_API_key_refuses_start_up()
    {
        var configuration = new Dictionary<string, string?> { ["Reco:Privacy:Pepper"] = GatewayHost.Pepper };
        Assert.Contains("Reco:ApiKeys", await StartupFailure(configuration));
    }

    [Fact]
    public async Task No_pepper_refuses_start_up()
    {
        var configuration = GatewayHost.DefaultConfiguration();
        configuration.Remove("Reco:Privacy:Pepper");
        Assert.Contains("Reco:Privacy:Pepper", await StartupFailure(configuration));
    }

    [Fact]
    public async Task Development_keys_and_pepper_are_refused_outside_Development()
    {
        var configuration = GatewayHost.DefaultConfiguration();
        configuration["Reco:ApiKeys:0:Key"] = "storefront-dev-key";
        Assert.Contains("development key", await StartupFailure(configuration));

        configuration = GatewayHost.DefaultConfiguration();
        configuration["Reco:Privacy:Pepper"] = "orleansreco-development-pepper-not-a-secret";
        Assert.Contains("development pepper", await StartupFailure(configuration));
    }

    [Fact]
    public async Task Development_keys_and_pepper_start_in_Development()
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Reco:ApiKeys:0:Key"] = "storefront-dev-key",
            ["Reco:ApiKeys:0:Role"] = "storefront",
            // Shorter than the minimum, which holds outside Development only.
            ["Reco:ApiKeys:1:Key"] = "admin-dev-key",
            ["Reco:ApiKeys:1:Role"] = "admin",
            ["Reco:Privacy:Pepper"] = "orleansreco-development-pepper-not-a-secret",
        };
        await using var app = GatewayHost.Build(fixture.Grains, configuration, "Development");
        await app.StartAsync();
        await app.StopAsync();
    }

    public static TheoryData<string> DevelopmentPepperSpellings => new()
    {
        "orleansreco-development-pepper-not-a-secret",
        "base64:" + Convert.ToBase64String(Encoding.UTF8.GetBytes("orleansreco-development-pepper-not-a-secret")),
        // Base64 decoding skips whitespace, so this is the same pepper too.
        "base64:" + Convert.ToBase64String(Encoding.UTF8.GetBytes("orleansreco-development-pepper-not-a-secret")).Insert(8, " "),
    };

    [Theory]
    [MemberData(nameof(DevelopmentPepperSpellings))]
    public async Task Every_spelling_of_the_development_pepper_is_refused_outside_Development(string pepper)
    {
        var configuration = GatewayHost.DefaultConfiguration();
        configuration["Reco:Privacy:Pepper"] = pepper;

        var message = await StartupFailure(configuration);

        Assert.Contains("development pepper", message);
        Assert.DoesNotContain(pepper, message);
    }

    [Fact]
    public async Task A_key_shorter_than_16_bytes_refuses_start_up_outside_Development()
    {
        var configuration = GatewayHost.DefaultConfiguration();
        configuration["Reco:ApiKeys:0:Key"] = "x";
        configuration["Reco:ApiKeys:0:Name"] = "shop";
        configuration["Reco:ApiKeys:1:Key"] = "fifteen-bytes-k";

        var message = await StartupFailure(configuration);

        Assert.Contains("'shop' is shorter than 16 bytes", message);
        Assert.Contains("'key-1' is shorter than 16 bytes", message);
        Assert.DoesNotContain("fifteen-bytes-k", message);
        // Sixteen bytes are enough: the default configuration's catalog key has exactly that many, and it starts.
        Assert.Equal(16, Encoding.UTF8.GetByteCount(GatewayHost.CatalogKey));
    }

    [Theory]
    [InlineData("Reco:ApiKeys:0:Role", "owner")]
    [InlineData("Reco:ApiKeys:0:Key", "")]
    public async Task A_malformed_key_entry_refuses_start_up(string setting, string value)
    {
        var configuration = GatewayHost.DefaultConfiguration();
        configuration[setting] = value;
        Assert.Contains("Reco:ApiKeys:0", await StartupFailure(configuration));
    }

    [Fact]
    public async Task A_short_pepper_refuses_start_up()
    {
        var configuration = GatewayHost.DefaultConfiguration();
        configuration["Reco:Privacy:Pepper"] = "short";
        Assert.Contains("at least 16 bytes", await StartupFailure(configuration));
    }
}
