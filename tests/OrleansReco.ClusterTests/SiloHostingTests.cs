using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansReco.Silo;
using Xunit;

namespace OrleansReco.ClusterTests;

/// <summary>What containers need of the real silo host: probes on the management port, addresses, Kubernetes hosting.</summary>
public sealed class SiloHostingTests
{
    private static Dictionary<string, string?> Production(params (string Key, string Value)[] settings)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Reco:Privacy:MasterKeys:CurrentKeyId"] = "k1",
            ["Reco:Privacy:MasterKeys:Keys:0:Id"] = "k1",
            ["Reco:Privacy:MasterKeys:Keys:0:Key"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()),
            ["Reco:Storage:Provider"] = "Memory",
            ["Reco:Silo:SiloPort"] = FreePort().ToString(),
            ["Reco:Silo:GatewayPort"] = FreePort().ToString(),
        };
        foreach (var (key, value) in settings) configuration[key] = value;
        return configuration;
    }

    private static IHost Build(Dictionary<string, string?> configuration) =>
        RecoSiloHost.Build(["--environment", "Production"], builder =>
        {
            builder.Sources.Clear();
            builder.AddInMemoryCollection(configuration);
        });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_silo_without_the_API_answers_probes_on_its_management_port_and_is_ready_only_while_active(bool metrics)
    {
        var port = FreePort();
        using var host = Build(Production(
            ("Reco:Silo:HostGateway", "false"),
            ("Reco:Metrics:Port", port.ToString()),
            ("Reco:Metrics:Enabled", metrics ? "true" : "false")));
        await host.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(metrics ? HttpStatusCode.OK : HttpStatusCode.NotFound, (await http.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/v1/items/x")).StatusCode);

        // The same readiness check, once the silo has left the cluster, says so.
        var health = host.Services.GetRequiredService<HealthCheckService>();
        await host.StopAsync();
        var afterStop = await health.CheckHealthAsync(c => c.Tags.Contains("ready"));
        Assert.Equal(HealthStatus.Unhealthy, afterStop.Status);
    }

    [Fact]
    public async Task A_silo_that_serves_the_API_listens_on_Reco_Http_Address()
    {
        var port = FreePort();
        var configuration = Production(
            ("Reco:Silo:HostGateway", "true"),
            ("Reco:Http:Address", "0.0.0.0"),
            ("RECO_PORT", port.ToString()),
            ("Reco:Privacy:Pepper", "silo-hosting-tests-pepper-0123456789"),
            ("Reco:ApiKeys:0:Key", "silo-hosting-tests-admin-key"),
            ("Reco:ApiKeys:0:Role", "admin"));
        using var host = Build(configuration);
        await host.StartAsync();
        try
        {
            var addresses = host.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
            Assert.Equal([$"http://0.0.0.0:{port}"], addresses);
            using var http = new HttpClient();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{port}/health/live")).StatusCode);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>
    /// The package reads its pod's name and namespace, and would read cluster ids, from the process environment (set
    /// by the downward API); they are set for this process for the test's duration, and nothing else here reads them.
    /// The host reads POD_IP through its configuration, which holds the environment in production.
    /// </summary>
    [Fact]
    public void Under_Kubernetes_hosting_the_silo_advertises_the_pod_IP_on_the_configured_ports_and_keeps_the_configured_cluster_ids()
    {
        var siloPort = FreePort();
        var gatewayPort = FreePort();
        var variables = new Dictionary<string, string>
        {
            ["POD_NAME"] = "orleansreco-silo-abc",
            ["POD_NAMESPACE"] = "shop",
            // What the package would take over Reco:Clustering if it were configured after it.
            ["ORLEANS_CLUSTER_ID"] = "not-this-cluster",
            ["ORLEANS_SERVICE_ID"] = "not-this-service",
        };
        foreach (var (name, value) in variables) Environment.SetEnvironmentVariable(name, value);
        try
        {
            using var host = Build(Production(
                ("Reco:Silo:HostGateway", "false"),
                ("Reco:Silo:Kubernetes", "true"),
                ("Reco:Clustering:Provider", "AzureTable"),
                ("Reco:Clustering:ConnectionString", "UseDevelopmentStorage=true"),
                ("Reco:Clustering:ClusterId", "shop-cluster"),
                ("Reco:Clustering:ServiceId", "shop-service"),
                ("Reco:Silo:SiloPort", siloPort.ToString()),
                ("Reco:Silo:GatewayPort", gatewayPort.ToString()),
                ("POD_IP", "10.244.1.7")));

            var endpoints = host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
            Assert.Equal(IPAddress.Parse("10.244.1.7"), endpoints.AdvertisedIPAddress);
            Assert.Equal(new IPEndPoint(IPAddress.Any, siloPort), endpoints.SiloListeningEndpoint);
            Assert.Equal(new IPEndPoint(IPAddress.Any, gatewayPort), endpoints.GatewayListeningEndpoint);
            var cluster = host.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;
            Assert.Equal(("shop-cluster", "shop-service"), (cluster.ClusterId, cluster.ServiceId));
            Assert.Equal("orleansreco-silo-abc", host.Services.GetRequiredService<IOptions<SiloOptions>>().Value.SiloName);
        }
        finally
        {
            foreach (var name in variables.Keys) Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void Kubernetes_hosting_without_a_shared_membership_table_refuses_to_build()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => Build(Production(
            ("Reco:Silo:HostGateway", "false"),
            ("Reco:Silo:Kubernetes", "true"))));

        Assert.Contains("Reco:Silo:Kubernetes", failure.Message);
        Assert.Contains("Reco:Clustering:Provider", failure.Message);
    }

    [Fact]
    public void Kubernetes_hosting_with_a_pod_IP_that_is_no_address_refuses_to_build()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => Build(Production(
            ("Reco:Silo:HostGateway", "false"),
            ("Reco:Silo:Kubernetes", "true"),
            ("Reco:Clustering:Provider", "AzureTable"),
            ("Reco:Clustering:ConnectionString", "UseDevelopmentStorage=true"),
            ("POD_IP", "silo-0"))));

        Assert.Contains("POD_IP", failure.Message);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
