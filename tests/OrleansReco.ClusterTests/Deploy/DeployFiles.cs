using System.Reflection;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace OrleansReco.ClusterTests.Deploy;

/// <summary>Every file under deploy/, parsed: Dockerfiles, the compose file, the Kubernetes manifests and the env examples.</summary>
public sealed partial class DeployFiles
{
    public required string Root { get; init; }
    public required string Configuration { get; init; }
    public List<Dockerfile> Dockerfiles { get; } = [];
    /// <summary>Every YAML document, by the file it is in (relative to the repository root).</summary>
    public List<(string File, YamlMappingNode Document)> Yaml { get; } = [];
    /// <summary>The <c>NAME=value</c> files (deploy/.env.example, deploy/k8s/secrets.env.example), by path.</summary>
    public Dictionary<string, Dictionary<string, string>> EnvFiles { get; } = [];

    public IEnumerable<(string File, YamlMappingNode Document)> Compose => Yaml.Where(y => y.Document.Children.ContainsKey("services"));

    public IEnumerable<(string File, YamlMappingNode Document)> Kubernetes =>
        Yaml.Where(y => y.Document.Children.ContainsKey("kind") && Text(y.Document, "kind") != "Kustomization");

    public IEnumerable<(string File, YamlMappingNode Document)> Kustomizations =>
        Yaml.Where(y => Text(y.Document, "kind") == "Kustomization");

    public static DeployFiles Load()
    {
        var root = RepoRoot();
        var files = new DeployFiles
        {
            Root = root,
            Configuration = typeof(DeployFiles).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug",
        };
        foreach (var path in Directory.EnumerateFiles(Path.Combine(root, "deploy"), "*", SearchOption.AllDirectories).Order())
        {
            var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            var name = Path.GetFileName(path);
            var text = File.ReadAllText(path);
            if (name.StartsWith("Dockerfile", StringComparison.Ordinal) && !name.EndsWith(".dockerignore", StringComparison.Ordinal))
            {
                files.Dockerfiles.Add(Dockerfile.Parse(relative, text));
            }
            else if (name.EndsWith(".yml", StringComparison.Ordinal) || name.EndsWith(".yaml", StringComparison.Ordinal))
            {
                files.Yaml.AddRange(ParseYaml(relative, text).Select(d => (relative, d)));
            }
            else if (name.EndsWith(".env.example", StringComparison.Ordinal) || name == ".env.example")
            {
                files.EnvFiles[relative] = ParseEnvFile(text);
            }
        }
        return files;
    }

    /// <summary>Every document of a YAML file, with merge keys (<c>&lt;&lt;: *anchor</c>) resolved as compose does.</summary>
    public static List<YamlMappingNode> ParseYaml(string file, string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new MergingParser(new Parser(new StringReader(text))));
        }
        catch (YamlException e)
        {
            throw new FormatException($"{file} is not valid YAML: {e.Message}", e);
        }
        return stream.Documents.Select(d => d.RootNode as YamlMappingNode
            ?? throw new FormatException($"{file}: a document that is not a mapping")).ToList();
    }

    public static Dictionary<string, string> ParseEnvFile(string text) =>
        text.Replace("\r", "").Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0].Trim(), p => p.Length > 1 ? p[1].Trim() : "", StringComparer.Ordinal);

    /// <summary>
    /// Compose's interpolation: <c>${NAME}</c>, <c>${NAME:-default}</c>, <c>${NAME:?message}</c>, from the example env file.
    /// </summary>
    public static string Interpolate(string value, IReadOnlyDictionary<string, string> env) =>
        Interpolation().Replace(value, m =>
            env.TryGetValue(m.Groups["name"].Value, out var set) && set.Length > 0 ? set
            : m.Groups["op"].Value == ":-" ? m.Groups["arg"].Value
            : "");

    public static IEnumerable<string> InterpolatedNames(string value) =>
        Interpolation().Matches(value).Select(m => m.Groups["name"].Value);

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?<op>:?[-?])(?<arg>[^}]*))?\}")]
    private static partial Regex Interpolation();

    public static string? Text(YamlNode? node, params string[] path)
    {
        var at = node;
        foreach (var key in path)
        {
            at = at is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;
        }
        return (at as YamlScalarNode)?.Value;
    }

    public static YamlNode? Node(YamlNode? node, params string[] path)
    {
        var at = node;
        foreach (var key in path)
        {
            at = at is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;
        }
        return at;
    }

    public static IEnumerable<YamlNode> Items(YamlNode? node) => node is YamlSequenceNode sequence ? sequence.Children : [];

    public static IEnumerable<(string Key, YamlNode Value)> Entries(YamlNode? node) =>
        node is YamlMappingNode map ? map.Children.Select(c => (((YamlScalarNode)c.Key).Value!, c.Value)) : [];

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansReco.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("OrleansReco.sln not found above " + AppContext.BaseDirectory);
    }
}
