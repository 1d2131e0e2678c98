using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using OrleansReco.Gateway.Hosting;
using Xunit;

namespace OrleansReco.GatewayTests;

/// <summary>Where a process that serves the API listens: loopback by default, every interface in a container.</summary>
public sealed class HttpAddressTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void By_default_the_API_listens_on_loopback_at_5080() =>
        Assert.Equal("http://localhost:5080", RecoHttp.Url(Settings()));

    [Theory]
    [InlineData("0.0.0.0", "8080", "http://0.0.0.0:8080")]
    [InlineData("+", "8080", "http://+:8080")]
    [InlineData("::", "8081", "http://[::]:8081")]
    [InlineData("[::]", "8081", "http://[::]:8081")]
    [InlineData("10.1.2.3", "80", "http://10.1.2.3:80")]
    public void The_address_and_port_come_from_Reco_Http_Address_and_RECO_PORT(string address, string port, string url) =>
        Assert.Equal(url, RecoHttp.Url(Settings(("Reco:Http:Address", address), ("RECO_PORT", port))));

    [Theory]
    [InlineData("Reco:Http:Address", "my-host")]
    [InlineData("Reco:Http:Address", "")]
    [InlineData("RECO_PORT", "eighty")]
    [InlineData("RECO_PORT", "70000")]
    public void A_value_that_cannot_be_listened_on_fails_naming_the_setting(string key, string value)
    {
        var failure = Assert.Throws<InvalidOperationException>(() => RecoHttp.Url(Settings((key, value))));
        Assert.Contains(key, failure.Message);
    }

    [Fact]
    public async Task The_gateway_process_listens_where_the_settings_say()
    {
        await using var app = RecoGatewayHost.Build([], builder =>
        {
            builder.Sources.Clear();
            builder.AddInMemoryCollection(new Dictionary<string, string?> { ["Reco:Http:Address"] = "0.0.0.0", ["RECO_PORT"] = "8089" });
        });

        Assert.Equal("http://0.0.0.0:8089", app.Configuration[WebHostDefaults.ServerUrlsKey]);
    }
}
