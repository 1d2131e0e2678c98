using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansReco.Gateway.Hosting;
using Xunit;

namespace OrleansReco.GatewayTests;

/// <summary>
/// The gateway process re-reads the silos' gateway list every few seconds, not Orleans' minute: started beside one
/// silo, it would otherwise send every call through that silo, and fail them all when it dies, for up to a minute.
/// </summary>
public sealed class GatewayListRefreshTests
{
    private static WebApplication Gateway(params (string Key, string Value)[] values) => RecoGatewayHost.Build([], builder =>
    {
        builder.Sources.Clear();
        builder.AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value)));
    });

    private static TimeSpan RefreshPeriod(WebApplication app) =>
        app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.GatewayListRefreshPeriod;

    [Fact]
    public async Task By_default_the_list_is_read_every_five_seconds()
    {
        await using var app = Gateway();
        Assert.Equal(TimeSpan.FromSeconds(5), RefreshPeriod(app));
    }

    [Fact]
    public async Task The_period_comes_from_Reco_Clustering_GatewayListRefreshPeriod()
    {
        await using var app = Gateway(("Reco:Clustering:GatewayListRefreshPeriod", "00:00:02"));
        Assert.Equal(TimeSpan.FromSeconds(2), RefreshPeriod(app));
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    public void A_period_that_never_comes_stops_start_up_naming_the_setting(string value)
    {
        var failure = Assert.Throws<InvalidOperationException>(() => Gateway(("Reco:Clustering:GatewayListRefreshPeriod", value)));
        Assert.Contains("Reco:Clustering:GatewayListRefreshPeriod", failure.Message);
    }
}
