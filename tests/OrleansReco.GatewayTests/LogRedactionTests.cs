using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansReco.Gateway.Privacy;
using OrleansReco.Grains.Interfaces.Logging;
using OrleansReco.Testing;
using Xunit;

namespace OrleansReco.GatewayTests;

/// <summary>
/// The gateway's own Orleans client names the user grain when a call times out or is rejected. Those entries pass
/// through the same redaction as the silo's: what the gateway host's providers get names the grain only redacted.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class LogRedactionTests(GatewayFixture fixture)
{
    [Fact]
    public async Task An_entry_naming_a_user_grain_reaches_the_gateways_providers_redacted()
    {
        // A gateway of its own (built, not started): its providers see only this test's entries.
        await using var gateway = GatewayHost.Build(fixture.Grains, GatewayHost.DefaultConfiguration());
        var logs = new CapturedLogs();
        gateway.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        var pseudonym = gateway.Services.GetRequiredService<Pseudonymizer>().Pseudonymize($"shopper-{Guid.NewGuid()}");
        var grain = GrainId.Create("user", pseudonym);
        // As the Orleans client reports a call that had no answer in time: the grain in the message and in the exception.
        var logger = gateway.Services.GetRequiredService<ILogger<LogRedactionTests>>();
        logger.LogWarning(new TimeoutException($"Response did not arrive on time for a call to {grain}."), "Call to {GrainId} failed", grain);

        var entries = logs.Entries.ToList();
        Assert.DoesNotContain(entries, e => e.Contains(pseudonym, StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Contains(GrainKeyRedaction.RedactedUserGrain, StringComparison.Ordinal));
    }
}
