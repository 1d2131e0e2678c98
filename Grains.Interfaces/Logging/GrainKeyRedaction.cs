using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrleansReco.Grains.Interfaces.Logging;

/// <summary>
/// Keeps shoppers' pseudonyms out of every log line. A user grain's key is a pseudonym (personal data), and Orleans
/// names grains in its own warnings and errors (failed storage operations, rejected and timed-out messages, failed
/// activations) as <c>user/&lt;key&gt;</c>, in the message, in its arguments and in the exceptions it logs. Those
/// messages are not source-generated with data classifications, so Microsoft.Extensions.Compliance.Redaction has
/// nothing to act on; this rewrites the text instead, once per log entry and before any provider sees it.
/// </summary>
public static partial class GrainKeyRedaction
{
    /// <summary>What a redacted user grain id reads as in a log.</summary>
    public const string RedactedUserGrain = "user/<redacted>";

    /// <summary>What a redacted pseudonym outside a grain id (a table key quoted by a storage error, say) reads as.</summary>
    public const string RedactedPseudonym = "<redacted>";

    private const string InnerFactoryKey = "OrleansReco.GrainKeyRedaction.Inner";

    /// <summary>
    /// Routes every logger of the host through the redaction: the host's <see cref="ILoggerFactory"/> stays (as a
    /// keyed service, so the container still owns and disposes it) and is wrapped. Calling it again changes nothing,
    /// so the silo and the gateway can both call it when one process hosts both.
    /// </summary>
    public static IServiceCollection AddGrainKeyRedaction(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(ILoggerFactory) && Equals(d.ServiceKey, InnerFactoryKey)))
        {
            return services;
        }
        services.AddLogging();
        var host = services.Last(d => d.ServiceType == typeof(ILoggerFactory) && !d.IsKeyedService);
        services.Remove(host);
        services.Add(host switch
        {
            { ImplementationInstance: { } instance } => ServiceDescriptor.KeyedSingleton(typeof(ILoggerFactory), InnerFactoryKey, instance),
            { ImplementationFactory: { } factory } => ServiceDescriptor.KeyedSingleton(typeof(ILoggerFactory), InnerFactoryKey, (sp, _) => factory(sp)),
            _ => ServiceDescriptor.KeyedSingleton(typeof(ILoggerFactory), InnerFactoryKey, host.ImplementationType!),
        });
        services.AddSingleton<ILoggerFactory>(sp => new RedactingLoggerFactory(sp.GetRequiredKeyedService<ILoggerFactory>(InnerFactoryKey)));
        return services;
    }

    /// <summary>
    /// The text with every user grain id's key and every pseudonym-shaped run (64 or more hex digits: the gateway's
    /// HMAC-SHA256 in hex, wherever it is quoted) replaced; the same instance when there is nothing to replace.
    /// </summary>
    public static string Redact(string text)
    {
        var redacted = UserGrainId().Replace(text, RedactedUserGrain);
        return HexRun().Replace(redacted, RedactedPseudonym);
    }

    // Orleans writes a grain id as "<type>/<key>" (the user grain's type is "user"), followed by a space, '@' and an
    // activation id, or punctuation. Production keys are hex; tests use other characters, hence the broad class.
    [GeneratedRegex(@"\buser/[^\s,;'""()\[\]{}<>@]+", RegexOptions.CultureInvariant)]
    private static partial Regex UserGrainId();

    [GeneratedRegex("[0-9a-fA-F]{64,}", RegexOptions.CultureInvariant)]
    private static partial Regex HexRun();
}
