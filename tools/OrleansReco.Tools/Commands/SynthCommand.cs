using System.Globalization;
using System.Text;
using OrleansReco.Tools.Cli;
using OrleansReco.Tools.Import;
using OrleansReco.Tools.Synthetic;

namespace OrleansReco.Tools.Commands;

/// <summary>
/// Writes a synthetic storefront as TSV files, no header lines:
/// <c>items.tsv</c> item, title, category, tags (comma separated), price, available;
/// <c>events.tsv</c> user, item, rating (view 1, cart 3, purchase 5), unix seconds, the format <c>import --tsv</c> reads;
/// <c>users.tsv</c> user, taste cluster, preferred categories (comma separated), the ground truth of the clusters.
/// </summary>
public sealed class SynthCommand : ICommand
{
    public CommandSpec Spec { get; } = new(
        "synth",
        "Write a synthetic storefront to items.tsv, events.tsv and users.tsv for offline use.",
        "synth --out DIR [--users N] [--items N] [--seed N] [...]",
        [new OptionSpec("out", "DIR", "Directory to write to (created if missing; files are overwritten)."), .. SharedOptions.Synthetic]);

    public async Task<int> RunAsync(ParsedArgs args, ToolsEnvironment environment, CancellationToken cancellationToken)
    {
        var directory = args.RequiredString("out");
        var data = SyntheticStorefront.Generate(SharedOptions.SyntheticFrom(args));
        Directory.CreateDirectory(directory);

        await WriteAsync(Path.Combine(directory, "items.tsv"), data.Items.Select(i => Row(
            i.ItemId,
            i.Title ?? string.Empty,
            i.Category ?? string.Empty,
            string.Join(',', i.Tags),
            i.Price?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            i.Available ? "true" : "false")), cancellationToken);
        await WriteAsync(Path.Combine(directory, "events.tsv"), data.Events.Select(e => Row(
            e.UserId,
            e.ItemId,
            TsvEventReader.RatingOfType(e.Type).ToString(CultureInfo.InvariantCulture),
            e.Timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))), cancellationToken);
        await WriteAsync(Path.Combine(directory, "users.tsv"), data.Shoppers.Select(s => Row(
            s.UserId,
            s.Cluster.ToString(CultureInfo.InvariantCulture),
            string.Join(',', s.PreferredCategories))), cancellationToken);

        environment.Out.WriteLine(
            $"Wrote {data.Items.Count:N0} items, {data.Events.Count:N0} events and {data.Shoppers.Count:N0} users to {Path.GetFullPath(directory)}.");
        return ExitCodes.Success;
    }

    // Fields never hold tabs or line breaks, whatever a title says.
    private static string Row(params string[] fields) =>
        string.Join('\t', fields.Select(f => f.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ')));

    private static async Task WriteAsync(string path, IEnumerable<string> lines, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        writer.NewLine = "\n";
        foreach (var line in lines)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteLineAsync(line);
        }
    }
}
