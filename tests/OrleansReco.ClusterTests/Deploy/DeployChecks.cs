using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Orleans.Hosting.Kubernetes;
using OrleansReco.Silo;
using YamlDotNet.RepresentationModel;
using static OrleansReco.ClusterTests.Deploy.DeployFiles;

namespace OrleansReco.ClusterTests.Deploy;

/// <summary>A probe or health check: the path it asks for and the port, a number or a container port's name.</summary>
public sealed record Probe(string What, string Path, string Port);

/// <summary>A container of one of the product's images, as a compose service or a Kubernetes pod runs it.</summary>
public sealed record Container(
    string Where,
    string Image,
    List<(string Name, string Value)> Env,
    List<Probe> Probes,
    Dictionary<string, int> Ports,
    TimeSpan? GracePeriod);

/// <summary>
/// What can be checked of deploy/ without a container runtime or a cluster: each finding is a sentence naming the
/// file, put in <see cref="Problems"/>; the test expects none.
/// </summary>
public sealed partial class DeployChecks(DeployFiles files)
{
    /// <summary>
    /// Variables the product does not read through its configuration but something in the container does. Anything
    /// else a deployment sets must be a setting the product's host reads (<see cref="HostReading"/>).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> NotProductSettings = new Dictionary<string, string>
    {
        ["ASPNETCORE_ENVIRONMENT"] = "the host's environment name, read by ASP.NET Core (the images set Production)",
        ["DOTNET_ENVIRONMENT"] = "the host's environment name, read by the .NET generic host",
        ["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "ASP.NET Core's forwarded headers, for a gateway behind an HTTP proxy (README)",
        [KubernetesHostingOptions.PodNameEnvironmentVariable] = "the silo's name, read from the environment by Microsoft.Orleans.Hosting.Kubernetes",
        [KubernetesHostingOptions.PodNamespaceEnvironmentVariable] = "the pods' namespace, read from the environment by Microsoft.Orleans.Hosting.Kubernetes",
        // Not ORLEANS_CLUSTER_ID or ORLEANS_SERVICE_ID: the cluster ids come from Reco:Clustering, which the gateway reads too.
    };

    /// <summary>Images the product does not build, by repository, whose settings are their own.</summary>
    public static readonly IReadOnlySet<string> ThirdPartyImages = new HashSet<string> { "mcr.microsoft.com/azure-storage/azurite" };

    /// <summary>What Orleans' Kubernetes agent does to pods (its source: list and watch this cluster's, read and label its own).</summary>
    private static readonly string[] AgentVerbs = ["get", "list", "watch", "patch"];

    public List<string> Problems { get; } = [];

    public DeployChecks RunAll()
    {
        var images = ProductImages();
        foreach (var (file, compose) in files.Compose) CheckCompose(file, compose, images);
        CheckKubernetes(images);
        return this;
    }

    // ---- images

    /// <summary>The product's images, by repository name, from the compose services that build them.</summary>
    public Dictionary<string, (Dockerfile File, DockerStage Stage)> ProductImages()
    {
        var images = new Dictionary<string, (Dockerfile, DockerStage)>(StringComparer.Ordinal);
        foreach (var (file, compose) in files.Compose)
        {
            foreach (var (name, service) in Entries(Node(compose, "services")))
            {
                if (Node(service, "build") is not YamlMappingNode build) continue;
                var dockerfilePath = NormalisePath(Path.Combine(Path.GetDirectoryName(file)!, Text(build, "context") ?? ".", Text(build, "dockerfile") ?? "Dockerfile"));
                var dockerfile = files.Dockerfiles.SingleOrDefault(d => d.Path == dockerfilePath);
                var target = Text(build, "target");
                if (dockerfile is null)
                {
                    Problems.Add($"{file}: service {name} builds {dockerfilePath}, which is not in deploy/.");
                    continue;
                }
                var stage = target is null ? dockerfile.Stages[^1] : dockerfile.Stage(target);
                if (stage is null)
                {
                    Problems.Add($"{file}: service {name} builds target {target}, which {dockerfile.Path} does not have.");
                    continue;
                }
                images[Repository(Interpolate(Text(service, "image") ?? name, ComposeEnv(file)))] = (dockerfile, stage);
            }
        }
        foreach (var (repository, (dockerfile, stage)) in images) CheckEntryPoint(repository, dockerfile, stage);
        return images;
    }

    /// <summary>The entry point is <c>dotnet X.dll</c>, X.dll is what the build stage publishes there, and a Release build holds it.</summary>
    public void CheckEntryPoint(string image, Dockerfile dockerfile, DockerStage stage)
    {
        var where = $"{dockerfile.Path}, target {stage.Name} ({image})";
        if (stage.EntryPoint is not ["dotnet", var dll] || HostReading.HostOf(dll) is null)
        {
            Problems.Add($"{where}: ENTRYPOINT must be [\"dotnet\", \"OrleansReco.Silo.dll\" or \"OrleansReco.Gateway.dll\"], not {string.Join(" ", stage.EntryPoint ?? [])}.");
            return;
        }
        var copy = stage.Instructions.Select(i => CopyFromPattern().Match(i)).FirstOrDefault(m => m.Success);
        var build = copy is null ? null : dockerfile.Stage(copy.Groups["stage"].Value);
        var publish = build?.Instructions.SelectMany(i => PublishPattern().Matches(i))
            .FirstOrDefault(m => m.Groups["out"].Value.TrimEnd('/') == copy!.Groups["source"].Value.TrimEnd('/'));
        if (publish is null)
        {
            Problems.Add($"{where}: no COPY --from a stage that runs dotnet publish -o into the folder it copies.");
            return;
        }
        var project = publish.Groups["project"].Value;
        var projectFile = Path.Combine(files.Root, project);
        var assembly = File.Exists(projectFile)
            ? System.Xml.Linq.XDocument.Load(projectFile).Descendants("AssemblyName").FirstOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(project)
            : null;
        if (assembly + ".dll" != dll)
        {
            // A referenced program's dll is in the folder too (the silo's holds the gateway's), but not as a program.
            Problems.Add($"{where}: ENTRYPOINT runs {dll}, but the folder it copies is the publish output of {project} ({assembly ?? "missing"}.dll).");
            return;
        }
        var output = Path.Combine(files.Root, Path.GetDirectoryName(project)!, "bin", files.Configuration, "net10.0", dll);
        if (!File.Exists(output))
        {
            Problems.Add($"{where}: ENTRYPOINT runs {dll}, which the build of {project} does not produce ({output} is missing).");
        }
    }

    // ---- containers, wherever they run

    /// <summary>
    /// A container of a product image: every variable set (the image's and the deployment's) is read by the program
    /// the image runs, built with exactly these settings; every probe asks that program for a path it serves, on the
    /// port it listens on.
    /// </summary>
    public void CheckContainer(Container container, (Dockerfile File, DockerStage Stage) image)
    {
        if (image.Stage.EntryPoint is not [_, var dll] || HostReading.HostOf(dll) is not { } host) return; // CheckEntryPoint says why
        var env = new List<(string Name, string Value)>(image.Stage.Env.Select(e => (e.Key, e.Value)));
        env.AddRange(container.Env);
        var settings = Settings(env);
        HostReading reading;
        try
        {
            reading = HostReading.Of(host, settings);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            // Bad configuration fails the product clearly at start; here it is a finding like any other.
            Problems.Add($"{container.Where}: the {host} does not start with these settings: {e.Message}");
            return;
        }

        foreach (var (name, _) in container.Env.Concat(image.Stage.Env.Select(e => (e.Key, e.Value))).DistinctBy(e => e.Item1))
        {
            if (NotProductSettings.ContainsKey(name)) continue;
            if (!reading.Keys.Contains(ConfigurationKey(name)))
            {
                Problems.Add($"{container.Where}: {name} is not a setting the {host} reads ({ConfigurationKey(name)}).");
            }
        }

        var probes = container.Probes.ToList();
        if (image.Stage.HealthCheck is { } healthCheck) probes.Add(HealthCheckProbe($"{image.File.Path} HEALTHCHECK of {image.Stage.Name}", healthCheck, settings));
        foreach (var probe in probes)
        {
            if (!reading.Routes.Contains(probe.Path))
            {
                Problems.Add($"{container.Where}: {probe.What} asks for {probe.Path}, which the {host} does not serve with these settings (it serves {Describe(reading.Routes)}).");
            }
            int? port = int.TryParse(probe.Port, out var number) ? number : container.Ports.TryGetValue(probe.Port, out var named) ? named : null;
            if (port is null || port != reading.ListenPort)
            {
                Problems.Add($"{container.Where}: {probe.What} asks port {probe.Port}, but the {host} listens on {reading.ListenPort?.ToString() ?? "no HTTP port"}.");
            }
        }

        if (host == ProductHost.Silo && container.GracePeriod is { } grace)
        {
            var shutdown = SiloSettings.From(AsConfiguration(settings)).ShutdownTimeout;
            if (grace <= shutdown)
            {
                Problems.Add($"{container.Where}: a stopping silo gets {grace.TotalSeconds} s, not more than Reco:Silo:ShutdownTimeout ({shutdown.TotalSeconds} s).");
            }
        }
    }

    /// <summary>The settings a container's program sees: environment variables as .NET's configuration reads them.</summary>
    public static Dictionary<string, string?> Settings(IEnumerable<(string Name, string Value)> env)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in env) settings[ConfigurationKey(name)] = value;
        return settings;
    }

    public static string ConfigurationKey(string variable) => variable.Replace("__", ":", StringComparison.Ordinal);

    private static IConfiguration AsConfiguration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    /// <summary>The image's health check: an HTTP GET through bash's /dev/tcp to a port given by number or variable.</summary>
    private Probe HealthCheckProbe(string what, string healthCheck, Dictionary<string, string?> settings)
    {
        var match = HealthCheckPattern().Match(healthCheck);
        if (!match.Success)
        {
            Problems.Add($"{what}: not an HTTP GET on /dev/tcp/127.0.0.1/PORT this test can read: {healthCheck}");
            return new Probe(what, "?", "?");
        }
        var port = match.Groups["port"].Value;
        if (port.StartsWith('$')) port = settings.GetValueOrDefault(ConfigurationKey(port.Trim('$', '{', '}'))) ?? "unset " + port;
        return new Probe(what, match.Groups["path"].Value, port);
    }

    // ---- compose

    public void CheckCompose(string file, YamlMappingNode compose, Dictionary<string, (Dockerfile File, DockerStage Stage)> images)
    {
        var exampleFile = ComposeEnvFile(file);
        var example = ComposeEnv(file);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var scalar in compose.AllNodes.OfType<YamlScalarNode>())
        {
            foreach (var name in InterpolatedNames(scalar.Value ?? "")) used.Add(name);
        }
        foreach (var name in used.Where(n => !example.ContainsKey(n)))
        {
            Problems.Add($"{file} uses ${{{name}}}, which {exampleFile} does not give.");
        }
        foreach (var name in example.Keys.Where(n => !used.Contains(n)))
        {
            Problems.Add($"{exampleFile} gives {name}, which {file} does not use.");
        }

        foreach (var (name, service) in Entries(Node(compose, "services")))
        {
            var where = $"{file}: service {name}";
            var image = Interpolate(Text(service, "image") ?? "", example);
            if (!images.TryGetValue(Repository(image), out var built))
            {
                CheckThirdParty(where, image);
                continue;
            }
            var env = Node(service, "environment") switch
            {
                YamlMappingNode map => Entries(map).Select(e => (e.Key, Interpolate(((YamlScalarNode)e.Value).Value ?? "", example))).ToList(),
                YamlSequenceNode list => list.Children.Select(i => ((YamlScalarNode)i).Value!.Split('=', 2))
                    .Select(p => (p[0], Interpolate(p.Length > 1 ? p[1] : "", example))).ToList(),
                _ => [],
            };
            var probes = new List<Probe>();
            if (Node(service, "healthcheck", "test") is { } test)
            {
                var command = test is YamlSequenceNode parts ? string.Join(" ", parts.Children.Select(p => ((YamlScalarNode)p).Value)) : ((YamlScalarNode)test).Value!;
                probes.Add(HealthCheckProbe($"{where} healthcheck", command, Settings(built.Stage.Env.Select(e => (e.Key, e.Value)).Concat(env))));
            }
            var grace = Text(service, "stop_grace_period") is { } g ? ComposeDuration(g) : TimeSpan.FromSeconds(10); // compose's default
            CheckContainer(new Container(where, image, env, probes, [], grace), built);
        }
        CheckOneCluster(file, Entries(Node(compose, "services"))
            .Where(s => images.ContainsKey(Repository(Interpolate(Text(s.Value, "image") ?? "", example))))
            .Select(s => (s.Key, Node(s.Value, "environment") is YamlMappingNode map
                ? Entries(map).Select(e => (e.Key, Interpolate(((YamlScalarNode)e.Value).Value ?? "", example))).ToList()
                : [])));
    }

    /// <summary>The example of the .env file compose reads beside the compose file, which interpolation takes values from.</summary>
    private static string ComposeEnvFile(string composeFile) => NormalisePath(Path.Combine(Path.GetDirectoryName(composeFile)!, ".env.example"));

    private Dictionary<string, string> ComposeEnv(string composeFile) => files.EnvFiles.GetValueOrDefault(ComposeEnvFile(composeFile)) ?? [];

    private static TimeSpan ComposeDuration(string text)
    {
        var m = Regex.Match(text, @"^(?:(?<m>\d+)m)?(?:(?<s>\d+)s)?$");
        return TimeSpan.FromMinutes(m.Groups["m"].Success ? int.Parse(m.Groups["m"].Value) : 0)
            + TimeSpan.FromSeconds(m.Groups["s"].Success ? int.Parse(m.Groups["s"].Value) : 0);
    }

    // ---- Kubernetes

    public void CheckKubernetes(Dictionary<string, (Dockerfile File, DockerStage Stage)> images)
    {
        var manifests = files.Kubernetes.ToList();
        foreach (var (file, kustomization) in files.Kustomizations) CheckKustomization(file, kustomization);
        var secrets = files.Kustomizations
            .SelectMany(k => Items(Node(k.Document, "secretGenerator")).Select(g => (k.File, Generator: g)))
            .ToDictionary(g => Text(g.Generator, "name")!, g => Items(Node(g.Generator, "envs"))
                .SelectMany(e => files.EnvFiles.GetValueOrDefault(NormalisePath(Path.Combine(Path.GetDirectoryName(g.File)!, ((YamlScalarNode)e).Value + ".example"))) ?? [])
                .Select(e => e.Key).ToHashSet());
        var usedSecretKeys = new HashSet<(string, string)>();

        var workloads = manifests.Where(m => Text(m.Document, "kind") is "Deployment" or "StatefulSet").ToList();
        var clusterSettings = new List<(string, List<(string, string)>)>();
        foreach (var (file, workload) in workloads)
        {
            var pod = Node(workload, "spec", "template");
            var labels = Entries(Node(pod, "metadata", "labels")).ToDictionary(e => e.Key, e => ((YamlScalarNode)e.Value).Value!);
            var grace = int.TryParse(Text(pod, "spec", "terminationGracePeriodSeconds"), out var seconds) ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromSeconds(30);
            foreach (var container in Items(Node(pod, "spec", "containers")))
            {
                var where = $"{file}: {Text(workload, "kind")} {Text(workload, "metadata", "name")}, container {Text(container, "name")}";
                var image = Text(container, "image") ?? "";
                if (!images.TryGetValue(Repository(image), out var built))
                {
                    CheckThirdParty(where, image);
                    continue;
                }
                var env = new List<(string Name, string Value)>();
                var fields = new Dictionary<string, string>();
                foreach (var variable in Items(Node(container, "env")))
                {
                    var name = Text(variable, "name")!;
                    if (Text(variable, "value") is { } value)
                    {
                        env.Add((name, value));
                    }
                    else if (Node(variable, "valueFrom", "secretKeyRef") is { } secret)
                    {
                        var (secretName, key) = (Text(secret, "name")!, Text(secret, "key")!);
                        usedSecretKeys.Add((secretName, key));
                        if (!secrets.TryGetValue(secretName, out var keys)) Problems.Add($"{where}: {name} reads secret {secretName}, which no kustomization generates.");
                        else if (!keys.Contains(key)) Problems.Add($"{where}: {name} reads key {key} of secret {secretName}, which its example env file does not have.");
                        env.Add((name, ConfigurationKey(name).EndsWith("ConnectionString", StringComparison.OrdinalIgnoreCase)
                            ? "UseDevelopmentStorage=true" : "secret-placeholder-0123456789"));
                    }
                    else if (Text(variable, "valueFrom", "fieldRef", "fieldPath") is { } field)
                    {
                        fields[name] = field;
                        env.Add((name, field.EndsWith("IP", StringComparison.Ordinal) ? "10.0.0.1" : "placeholder"));
                    }
                    else
                    {
                        Problems.Add($"{where}: {name} has neither a value, a secret nor a field reference this test knows.");
                    }
                }
                var ports = Items(Node(container, "ports")).Where(p => Text(p, "name") is not null)
                    .ToDictionary(p => Text(p, "name")!, p => int.Parse(Text(p, "containerPort")!));
                var probes = new[] { "startupProbe", "livenessProbe", "readinessProbe" }
                    .Where(p => Node(container, p) is not null)
                    .Select(p => Node(container, p, "httpGet") is { } get
                        ? new Probe(p, Text(get, "path") ?? "", Text(get, "port") ?? "")
                        : new Probe(p, "(not an HTTP GET)", ""))
                    .ToList();
                if (!probes.Any(p => p.What == "livenessProbe") || !probes.Any(p => p.What == "readinessProbe"))
                {
                    Problems.Add($"{where}: needs a livenessProbe and a readinessProbe.");
                }
                if (Text(container, "resources", "requests", "cpu") is null || Text(container, "resources", "requests", "memory") is null
                    || Text(container, "resources", "limits", "memory") is null)
                {
                    Problems.Add($"{where}: needs resources.requests (cpu, memory) and resources.limits.memory.");
                }
                CheckContainer(new Container(where, image, env, probes, ports, grace), built);

                var settings = Settings(built.Stage.Env.Select(e => (e.Key, e.Value)).Concat(env));
                clusterSettings.Add((where, built.Stage.Env.Select(e => (e.Key, e.Value)).Concat(env).ToList()));
                var silo = SiloSettings.From(AsConfiguration(settings));
                if (built.Stage.EntryPoint is [_, "OrleansReco.Silo.dll"] && silo.Kubernetes)
                {
                    CheckKubernetesHosting(where, silo, labels, fields, Text(pod, "spec", "serviceAccountName"), manifests);
                }
            }
        }
        CheckOneCluster("deploy/k8s", clusterSettings);

        foreach (var (secret, keys) in secrets)
        {
            foreach (var key in keys.Where(k => !usedSecretKeys.Contains((secret, k))))
            {
                Problems.Add($"secret {secret} has key {key}, which no container reads.");
            }
        }
        CheckSelectors(manifests, workloads);
    }

    /// <summary>What Orleans' Kubernetes hosting needs of the pod: its identity, this cluster's labels, and RBAC for its agent.</summary>
    private void CheckKubernetesHosting(string where, SiloSettings silo, Dictionary<string, string> labels, Dictionary<string, string> fields,
        string? serviceAccount, List<(string File, YamlMappingNode Document)> manifests)
    {
        foreach (var (variable, field) in new[]
        {
            (KubernetesHostingOptions.PodNameEnvironmentVariable, "metadata.name"),
            (KubernetesHostingOptions.PodNamespaceEnvironmentVariable, "metadata.namespace"),
            (KubernetesHostingOptions.PodIPEnvironmentVariable, "status.podIP"),
        })
        {
            if (fields.GetValueOrDefault(variable) != field) Problems.Add($"{where}: {variable} must come from the downward API's {field}.");
        }
        if (labels.GetValueOrDefault(KubernetesHostingOptions.ServiceIdLabel) != silo.ServiceId
            || labels.GetValueOrDefault(KubernetesHostingOptions.ClusterIdLabel) != silo.ClusterId)
        {
            Problems.Add($"{where}: the pod's labels {KubernetesHostingOptions.ServiceIdLabel} and {KubernetesHostingOptions.ClusterIdLabel} must be the silo's service and cluster ids ({silo.ServiceId}, {silo.ClusterId}).");
        }
        var roles = manifests.Where(m => Text(m.Document, "kind") == "RoleBinding"
                && Items(Node(m.Document, "subjects")).Any(s => Text(s, "kind") == "ServiceAccount" && Text(s, "name") == serviceAccount))
            .Select(m => Text(m.Document, "roleRef", "name")).ToHashSet();
        var verbs = manifests.Where(m => Text(m.Document, "kind") == "Role" && roles.Contains(Text(m.Document, "metadata", "name")))
            .SelectMany(m => Items(Node(m.Document, "rules")))
            .Where(r => Items(Node(r, "resources")).Any(x => ((YamlScalarNode)x).Value == "pods"))
            .SelectMany(r => Items(Node(r, "verbs")).Select(v => ((YamlScalarNode)v).Value!))
            .ToHashSet();
        var missing = AgentVerbs.Where(v => !verbs.Contains(v)).ToList();
        if (serviceAccount is null || missing.Count > 0)
        {
            Problems.Add($"{where}: its service account ({serviceAccount ?? "none"}) needs a Role on pods with {string.Join(", ", missing)}.");
        }
    }

    /// <summary>Every silo and gateway of one deployment joins the same cluster: provider, cluster id and service id.</summary>
    private void CheckOneCluster(string where, IEnumerable<(string Container, List<(string Name, string Value)> Env)> containers)
    {
        var ids = containers.Select(c => (c.Container, Settings: SiloSettings.From(AsConfiguration(Settings(c.Env)))))
            .Select(c => (c.Container, Id: $"{c.Settings.ClusteringProvider.ToLowerInvariant()} {c.Settings.ClusterId} {c.Settings.ServiceId}"))
            .ToList();
        if (ids.Select(i => i.Id).Distinct().Count() > 1)
        {
            Problems.Add($"{where}: silos and gateways name different clusters: {string.Join("; ", ids.Select(i => $"{i.Container}: {i.Id}"))}.");
        }
    }

    private void CheckKustomization(string file, YamlMappingNode kustomization)
    {
        var folder = Path.GetDirectoryName(file)!;
        var listed = Items(Node(kustomization, "resources")).Select(r => NormalisePath(Path.Combine(folder, ((YamlScalarNode)r).Value!))).ToHashSet();
        var present = files.Yaml.Select(y => y.File).Where(f => Path.GetDirectoryName(f) == folder && f != file).ToHashSet();
        foreach (var missing in listed.Except(present)) Problems.Add($"{file} lists {missing}, which does not exist.");
        foreach (var unlisted in present.Except(listed)) Problems.Add($"{file} does not list {unlisted}.");
        foreach (var envFile in Items(Node(kustomization, "secretGenerator")).SelectMany(g => Items(Node(g, "envs"))))
        {
            var example = NormalisePath(Path.Combine(folder, ((YamlScalarNode)envFile).Value + ".example"));
            if (!files.EnvFiles.ContainsKey(example)) Problems.Add($"{file} generates a secret from {((YamlScalarNode)envFile).Value}, and {example} does not say what goes in it.");
        }
    }

    /// <summary>Services and disruption budgets select pods that exist, and a Service's target port is one of theirs.</summary>
    private void CheckSelectors(List<(string File, YamlMappingNode Document)> manifests, List<(string File, YamlMappingNode Document)> workloads)
    {
        foreach (var (file, selecting) in manifests.Where(m => Text(m.Document, "kind") is "Service" or "PodDisruptionBudget"))
        {
            var kind = Text(selecting, "kind");
            var selector = Entries(kind == "Service" ? Node(selecting, "spec", "selector") : Node(selecting, "spec", "selector", "matchLabels"))
                .ToDictionary(e => e.Key, e => ((YamlScalarNode)e.Value).Value);
            var pods = workloads.Select(w => Node(w.Document, "spec", "template"))
                .Where(p => selector.Count > 0 && selector.All(s => Text(p, "metadata", "labels", s.Key) == s.Value)).ToList();
            var where = $"{file}: {kind} {Text(selecting, "metadata", "name")}";
            if (pods.Count == 0)
            {
                Problems.Add($"{where} selects no pod of these manifests.");
                continue;
            }
            if (kind != "Service") continue;
            var ports = pods.SelectMany(p => Items(Node(p, "spec", "containers"))).SelectMany(c => Items(Node(c, "ports")))
                .SelectMany(p => new[] { Text(p, "name"), Text(p, "containerPort") }).ToHashSet();
            foreach (var target in Items(Node(selecting, "spec", "ports")).Select(p => Text(p, "targetPort") ?? Text(p, "port")))
            {
                if (!ports.Contains(target)) Problems.Add($"{where}: target port {target} is no port of the pods it selects.");
            }
        }
    }

    private void CheckThirdParty(string where, string image)
    {
        var colon = image.LastIndexOf(':');
        var repository = colon > image.LastIndexOf('/') ? image[..colon] : image;
        var tag = colon > image.LastIndexOf('/') ? image[(colon + 1)..] : "";
        if (!ThirdPartyImages.Contains(repository)) Problems.Add($"{where}: image {image} is neither built by the compose file nor a known third-party image.");
        else if (tag is "" or "latest") Problems.Add($"{where}: image {image} needs a pinned tag.");
    }

    /// <summary>An image reference's repository name without registry and tag: what kustomize's images and compose's build agree on.</summary>
    public static string Repository(string image)
    {
        var colon = image.LastIndexOf(':');
        var withoutTag = colon > image.LastIndexOf('/') ? image[..colon] : image;
        return withoutTag[(withoutTag.LastIndexOf('/') + 1)..];
    }

    /// <summary>A repository-relative path with <c>..</c> and <c>.</c> resolved.</summary>
    private static string NormalisePath(string path) => Path.GetRelativePath("/r", Path.GetFullPath(path, "/r")).Replace('\\', '/');

    private static string Describe(IReadOnlySet<string> routes) => routes.Count == 0 ? "nothing" : string.Join(", ", routes.Order().Take(8)) + (routes.Count > 8 ? ", ..." : "");

    [GeneratedRegex(@"^COPY\s+--from=(?<stage>\S+)\s+(?<source>\S+)\s+\S+$", RegexOptions.IgnoreCase)]
    private static partial Regex CopyFromPattern();

    [GeneratedRegex(@"dotnet\s+publish\s+(?<project>\S+\.csproj)\b[^&;]*?\s-o\s+(?<out>\S+)")]
    private static partial Regex PublishPattern();

    [GeneratedRegex(@"/dev/tcp/127\.0\.0\.1/(?<port>\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\d+).*GET (?<path>/\S*) HTTP/1\.[01]")]
    private static partial Regex HealthCheckPattern();
}
