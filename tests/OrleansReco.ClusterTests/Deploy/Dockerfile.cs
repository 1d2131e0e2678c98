using System.Text.Json;
using System.Text.RegularExpressions;

namespace OrleansReco.ClusterTests.Deploy;

/// <summary>One build stage of a Dockerfile: what it starts from, the environment it sets, its health check and entry point.</summary>
public sealed record DockerStage(string Name, string From, Dictionary<string, string> Env, string? HealthCheck, string[]? EntryPoint, List<string> Instructions);

/// <summary>
/// The instructions of a Dockerfile this project writes (FROM ... AS, ENV key=value, HEALTHCHECK, ENTRYPOINT in exec
/// form, COPY, RUN), enough to tell what each target runs; not a general Dockerfile parser.
/// </summary>
public sealed partial class Dockerfile
{
    public required string Path { get; init; }
    public List<DockerStage> Stages { get; } = [];

    public static Dockerfile Parse(string path, string text)
    {
        var file = new Dockerfile { Path = path };
        DockerStage? stage = null;
        foreach (var instruction in Instructions(text))
        {
            var (verb, rest) = Split(instruction);
            switch (verb)
            {
                case "FROM":
                    var from = FromPattern().Match(rest);
                    if (!from.Success) throw new FormatException($"{path}: FROM without a stage name: {rest}");
                    var parent = file.Stage(from.Groups["image"].Value);
                    stage = new DockerStage(from.Groups["name"].Value, from.Groups["image"].Value,
                        new Dictionary<string, string>(parent?.Env ?? [], StringComparer.Ordinal),
                        parent?.HealthCheck, parent?.EntryPoint, []);
                    file.Stages.Add(stage);
                    break;
                case "ENV" when stage is not null:
                    foreach (Match pair in EnvPattern().Matches(rest)) stage.Env[pair.Groups["key"].Value] = pair.Groups["value"].Value.Trim('"');
                    stage.Instructions.Add(instruction);
                    break;
                case "HEALTHCHECK" when stage is not null:
                    stage = stage with { HealthCheck = rest };
                    file.Stages[^1] = stage;
                    break;
                case "ENTRYPOINT" when stage is not null:
                    stage = stage with { EntryPoint = JsonSerializer.Deserialize<string[]>(rest) };
                    file.Stages[^1] = stage;
                    break;
                default:
                    if (stage is null) throw new FormatException($"{path}: {verb} before FROM");
                    stage.Instructions.Add(instruction);
                    break;
            }
        }
        return file;
    }

    public DockerStage? Stage(string name) => Stages.LastOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Instructions with continuation lines joined and comments dropped.</summary>
    private static IEnumerable<string> Instructions(string text)
    {
        var current = "";
        foreach (var raw in text.Replace("\r", "").Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && current.Length == 0)) continue;
            if (line.EndsWith('\\'))
            {
                current += line[..^1] + " ";
                continue;
            }
            current += line;
            if (current.Trim().Length > 0) yield return current.Trim();
            current = "";
        }
    }

    private static (string Verb, string Args) Split(string instruction)
    {
        var space = instruction.IndexOf(' ');
        return space < 0 ? (instruction.ToUpperInvariant(), "") : (instruction[..space].ToUpperInvariant(), instruction[(space + 1)..].Trim());
    }

    [GeneratedRegex(@"^(--\S+\s+)*(?<image>\S+)\s+AS\s+(?<name>\S+)$", RegexOptions.IgnoreCase)]
    private static partial Regex FromPattern();

    [GeneratedRegex(@"(?<key>[A-Za-z_][A-Za-z0-9_]*)=(?<value>""[^""]*""|\S*)")]
    private static partial Regex EnvPattern();
}
