using System.Reflection;
using Orleans.Hosting.Kubernetes;
using Xunit;
using static OrleansReco.ClusterTests.Deploy.DeployFiles;

namespace OrleansReco.ClusterTests.Deploy;

/// <summary>
/// deploy/ as far as it can be checked on a machine without a container runtime, registry or cluster: every YAML file
/// parses; every variable a container gets is a setting the program its image runs reads; every probe and health check
/// asks that program for a path it serves on the port it listens on; the images' entry points are in the Release build
/// output; the Kubernetes pieces fit together (kustomization, secrets, labels, RBAC, selectors, grace periods).
/// </summary>
public sealed class DeployManifestTests
{
    private static readonly DeployFiles Files = DeployFiles.Load();

    [Fact]
    public void Deploy_holds_a_Dockerfile_a_compose_file_and_Kubernetes_manifests_and_every_YAML_file_parses()
    {
        Assert.NotEmpty(Files.Dockerfiles);
        Assert.Single(Files.Compose);
        Assert.Single(Files.Kustomizations);
        Assert.Contains(Files.Kubernetes, m => Text(m.Document, "kind") == "PodDisruptionBudget");
    }

    [Fact]
    public void Every_manifest_checks_out()
    {
        var problems = new DeployChecks(Files).RunAll().Problems;
        Assert.True(problems.Count == 0, "deploy/ has problems:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void The_product_images_are_the_silo_and_the_gateway()
    {
        var images = new DeployChecks(Files).ProductImages();
        Assert.Equal(["OrleansReco.Gateway.dll", "OrleansReco.Silo.dll"], images.Values.Select(i => i.Stage.EntryPoint![1]).Distinct().Order());
    }

    /// <summary>The allow-list's Kubernetes entries are what the package reads: its own constants name them.</summary>
    [Fact]
    public void The_variables_allowed_for_Kubernetes_hosting_are_those_the_package_declares()
    {
        var declared = typeof(KubernetesHostingOptions).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.Name.EndsWith("EnvironmentVariable", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!).ToHashSet();
        Assert.Contains("POD_NAME", declared);
        Assert.Contains("POD_NAMESPACE", declared);
        Assert.All(DeployChecks.NotProductSettings.Keys.Where(k => k.StartsWith("POD_", StringComparison.Ordinal)), k => Assert.Contains(k, declared));
    }

    // ---- the checker catches what it is there to catch: each case changes one thing in a real container

    private static (Container Container, (Dockerfile File, DockerStage Stage) Image) Real(string component)
    {
        var checks = new DeployChecks(Files);
        var images = checks.ProductImages();
        var image = images[$"orleansreco-{component}"];
        var compose = Files.Compose.Single();
        var service = Node(compose.Document, "services", component == "silo" ? "silo-0" : "gateway")!;
        var example = Files.EnvFiles["deploy/.env.example"];
        var env = Entries(Node(service, "environment")).Select(e => (e.Key, Interpolate(((YamlDotNet.RepresentationModel.YamlScalarNode)e.Value).Value!, example))).ToList();
        var ports = new Dictionary<string, int> { ["management"] = 9100, ["http"] = 8080 };
        return (new Container($"{component} under test", $"orleansreco-{component}", env, [], ports, TimeSpan.FromSeconds(45)), image);
    }

    private static List<string> ProblemsOf(Container container, (Dockerfile File, DockerStage Stage) image)
    {
        var checks = new DeployChecks(Files);
        checks.CheckContainer(container, image);
        return checks.Problems;
    }

    [Fact]
    public void The_real_containers_pass_the_container_checks()
    {
        foreach (var component in new[] { "silo", "gateway" })
        {
            var (container, image) = Real(component);
            Assert.Empty(ProblemsOf(container, image));
        }
    }

    [Theory]
    [InlineData("gateway", "Reco__Privacy__Peper", "x")] // misspelled
    [InlineData("gateway", "Reco__ApiKeys__0__Kee", "x")] // misspelled inside a list
    [InlineData("gateway", "Reco__Privacy__MasterKeys__Keys__0__Key", "x")] // the silo's setting, on the gateway
    [InlineData("silo", "Reco__Metrics__Prot", "9100")]
    [InlineData("silo", "ORLEANS_CLUSTER_ID", "other")] // the package would read it; the product keeps Reco:Clustering
    [InlineData("silo", "RECO_PORT", "8080")] // a silo without the API opens no API port
    public void A_variable_the_program_does_not_read_is_reported(string component, string name, string value)
    {
        var (container, image) = Real(component);
        container.Env.Add((name, value));

        Assert.Contains(ProblemsOf(container, image), p => p.Contains(name + " is not a setting", StringComparison.Ordinal));
    }

    /// <summary>Settings read only when options are bound, or only under some provider, count as read too.</summary>
    [Theory]
    [InlineData("silo", "Reco__Model__HalfLife", "30.00:00:00")]
    [InlineData("silo", "Reco__Membership__ProbeTimeout", "00:00:02")]
    [InlineData("silo", "Reco__Storage__TableName", "ShopState")]
    [InlineData("silo", "Reco__KeyStorage__TableName", "ShopKeys")]
    [InlineData("silo", "Reco__Delivery__CheckpointInterval", "00:00:03")]
    [InlineData("silo", "Reco__Privacy__MasterKeys__Keys__1__Key", "x")]
    [InlineData("silo", "Reco__Clustering__TableName", "ShopSilos")]
    [InlineData("gateway", "Reco__RateLimits__TokenLimit", "10")]
    [InlineData("gateway", "Reco__Storefront__RequestTimeout", "00:00:02")]
    [InlineData("gateway", "Reco__Clustering__ConnectAttempts", "30")]
    [InlineData("gateway", "Reco__Metrics__Enabled", "false")]
    public void A_setting_the_program_reads_is_accepted(string component, string name, string value)
    {
        var (container, image) = Real(component);
        container.Env.Add((name, value));
        if (name.Contains("__Keys__1__", StringComparison.Ordinal)) container.Env.Add(("Reco__Privacy__MasterKeys__Keys__1__Id", "k2"));

        Assert.Empty(ProblemsOf(container, image));
    }

    [Theory]
    [InlineData("gateway", "/health/readyz", "http", "does not serve")]
    [InlineData("gateway", "/health/ready", "9100", "listens on 8080")]
    [InlineData("silo", "/v1/items", "management", "does not serve")]
    [InlineData("silo", "/health/live", "silo", "listens on 9100")]
    public void A_probe_on_a_path_or_port_the_program_does_not_serve_is_reported(string component, string path, string port, string expected)
    {
        var (container, image) = Real(component);
        container.Probes.Add(new Probe("livenessProbe", path, port));

        Assert.Contains(ProblemsOf(container, image), p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_silo_whose_health_check_port_is_off_is_reported()
    {
        // Without its management port a silo serves no HTTP at all: the image's health check could never pass.
        var (container, image) = Real("silo");
        var stage = image.Stage with { Env = new Dictionary<string, string>(image.Stage.Env) };
        stage.Env.Remove("Reco__Metrics__Port");

        Assert.Contains(ProblemsOf(container, (image.File, stage)), p => p.Contains("HEALTHCHECK", StringComparison.Ordinal));
    }

    [Fact]
    public void A_grace_period_not_longer_than_the_silo_shutdown_timeout_is_reported()
    {
        var (container, image) = Real("silo");

        Assert.Contains(ProblemsOf(container with { GracePeriod = TimeSpan.FromSeconds(30) }, image), p => p.Contains("ShutdownTimeout", StringComparison.Ordinal));
        container.Env.Add(("Reco__Silo__ShutdownTimeout", "00:01:00"));
        Assert.Contains(ProblemsOf(container, image), p => p.Contains("ShutdownTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public void An_entry_point_the_build_does_not_produce_is_reported()
    {
        var (_, image) = Real("gateway");
        var checks = new DeployChecks(Files);

        checks.CheckEntryPoint("gateway", image.File, image.Stage with { EntryPoint = ["dotnet", "OrleansReco.Gateway.dll"] });
        Assert.Empty(checks.Problems);
        checks.CheckEntryPoint("gateway", image.File, image.Stage with { EntryPoint = ["dotnet", "OrleansReco.Gateways.dll"] });
        Assert.Single(checks.Problems);
        // The silo's program copied from the gateway's publish folder: the folder holds no OrleansReco.Silo.dll.
        checks.CheckEntryPoint("gateway", image.File, image.Stage with { EntryPoint = ["dotnet", "OrleansReco.Silo.dll"] });
        Assert.Equal(2, checks.Problems.Count);
    }
}
