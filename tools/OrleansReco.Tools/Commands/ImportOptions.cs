using OrleansReco.Tools.Cli;
using OrleansReco.Tools.Gateway;

namespace OrleansReco.Tools.Commands;

public enum ImportSource
{
    OnlineRetail,
    Tsv,
}

/// <summary>The validated options of <c>import</c>; every rule about which options go together lives here.</summary>
public sealed record ImportOptions(
    Uri? Gateway,
    ImportSource Source,
    string Path,
    long? Limit,
    int BatchSize,
    int Concurrency,
    GatewayKeys Keys,
    int ReadyAttempts,
    bool DryRun)
{
    public static ImportOptions From(ParsedArgs args)
    {
        var onlineRetail = args.String("online-retail");
        var tsv = args.String("tsv");
        if ((onlineRetail is null) == (tsv is null))
        {
            throw new UsageException("Give exactly one of '--online-retail FILE' and '--tsv FILE'.");
        }

        var dryRun = args.Has("dry-run");
        var gateway = args.Url("gateway");
        if (gateway is null && !dryRun)
        {
            throw new UsageException("Option '--gateway' is required (or use --dry-run).");
        }

        return new ImportOptions(
            gateway,
            onlineRetail is not null ? ImportSource.OnlineRetail : ImportSource.Tsv,
            (onlineRetail ?? tsv)!,
            args.OptionalLong("limit", 1),
            args.Int("batch-size", GatewayClient.MaxEventsPerRequest, 1, GatewayClient.MaxEventsPerRequest),
            args.Int("concurrency", 4, 1, 16),
            SharedOptions.KeysFrom(args),
            args.Int("wait", 30, 1, 3600),
            dryRun);
    }
}
