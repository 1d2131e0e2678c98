using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansReco.Grains.Privacy;
using OrleansReco.Silo;
using Xunit;

namespace OrleansReco.ClusterTests;

/// <summary>The real silo host refuses to start without a usable master key (outside Development) or with unusable model settings, naming the setting.</summary>
public sealed class SiloStartupTests
{
    [Fact]
    public async Task Without_a_master_key_the_silo_refuses_to_start()
    {
        var message = await StartupFailure([]);

        Assert.Contains("Reco:Privacy:MasterKeys:CurrentKeyId", message);
        Assert.Contains("Reco__Privacy__MasterKeys__Keys__0__Key", message);
    }

    /// <summary>The development key as written, and as the key ring's base64 decoding reads it: whitespace anywhere is skipped.</summary>
    public static TheoryData<string> DevelopmentKeySpellings => new()
    {
        MasterKeyOptions.DevelopmentKey,
        MasterKeyOptions.DevelopmentKey.Insert(4, " "),
        MasterKeyOptions.DevelopmentKey.Insert(22, "\n"),
        " " + MasterKeyOptions.DevelopmentKey + "\t",
    };

    [Theory]
    [MemberData(nameof(DevelopmentKeySpellings))]
    public async Task With_the_published_development_key_the_silo_refuses_to_start_outside_Development(string key)
    {
        var message = await StartupFailure(new()
        {
            ["Reco:Privacy:MasterKeys:CurrentKeyId"] = "k1",
            ["Reco:Privacy:MasterKeys:Keys:0:Id"] = "k1",
            ["Reco:Privacy:MasterKeys:Keys:0:Key"] = key,
        });

        Assert.Contains("'k1' is the published development key", message);
        Assert.DoesNotContain(MasterKeyOptions.DevelopmentKey[..8], message);
    }

    [Fact]
    public async Task A_current_key_id_that_is_not_configured_refuses_start_up()
    {
        var message = await StartupFailure(new()
        {
            ["Reco:Privacy:MasterKeys:CurrentKeyId"] = "k2",
            ["Reco:Privacy:MasterKeys:Keys:0:Id"] = "k1",
            ["Reco:Privacy:MasterKeys:Keys:0:Key"] = Convert.ToBase64String(new byte[32]),
        });

        Assert.Contains("'k2' is not among the configured keys", message);
    }

    [Fact]
    public async Task A_model_setting_the_model_cannot_work_with_refuses_start_up()
    {
        var message = await StartupFailure(new()
        {
            ["Reco:Privacy:MasterKeys:CurrentKeyId"] = "k1",
            ["Reco:Privacy:MasterKeys:Keys:0:Id"] = "k1",
            ["Reco:Privacy:MasterKeys:Keys:0:Key"] = Convert.ToBase64String(new byte[32]),
            ["Reco:Model:IndexShards"] = "0",
        });

        Assert.Contains("Reco:Model:IndexShards is 0; it must be at least 1", message);
    }

    [Theory]
    [InlineData("Epsilon", "-1", "Reco:Privacy:Popularity:Epsilon is -1; it must be a finite number of at least 0")]
    [InlineData("Epoch", "00:00:00", "Reco:Privacy:Popularity:Epoch is 00:00:00; it must be longer than zero")]
    public async Task A_private_popularity_setting_that_cannot_work_refuses_start_up(string setting, string value, string problem)
    {
        var message = await StartupFailure(new()
        {
            ["Reco:Privacy:MasterKeys:CurrentKeyId"] = "k1",
            ["Reco:Privacy:MasterKeys:Keys:0:Id"] = "k1",
            ["Reco:Privacy:MasterKeys:Keys:0:Key"] = Convert.ToBase64String(new byte[32]),
            ["Reco:Privacy:Popularity:Epsilon"] = "1",
            [$"Reco:Privacy:Popularity:{setting}"] = value,
        });

        Assert.Contains(problem, message);
    }

    private static async Task<string> StartupFailure(Dictionary<string, string?> settings)
    {
        // Only what the test says (no appsettings, no environment), on free ports in case it did start.
        var configuration = new Dictionary<string, string?>(settings)
        {
            ["Reco:Silo:HostGateway"] = "false",
            ["Reco:Storage:Provider"] = "Memory",
            ["Reco:Silo:SiloPort"] = FreePort().ToString(),
            ["Reco:Silo:GatewayPort"] = FreePort().ToString(),
        };
        using var host = RecoSiloHost.Build(["--environment", "Production"], builder =>
        {
            builder.Sources.Clear();
            builder.AddInMemoryCollection(configuration);
        });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        return failure.Message;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
