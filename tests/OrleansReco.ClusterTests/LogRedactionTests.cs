using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;
using OrleansReco.Gateway.Privacy;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Interfaces.Logging;
using OrleansReco.Testing;
using Xunit;
using Xunit.Abstractions;

namespace OrleansReco.ClusterTests;

/// <summary>
/// When a shopper's storage fails, Orleans logs an error naming the shopper's grain, whose key is a pseudonym
/// (personal data), with the storage's exception (which here quotes the grain, as a real storage error can quote its
/// row). What the silo's logging hands its providers names the grain only redacted. A cluster of its own: it keeps
/// every entry its silo logs.
/// </summary>
public sealed class LogRedactionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly Pseudonymizer Pseudonyms = new(Encoding.UTF8.GetBytes("log-redaction-tests-pepper-0123456789"));
    private readonly CapturedLogs _logs = new();
    private readonly StorageFaults _faults = new();
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddRecoForTests(faults: _faults);
            silo.Services.AddSingleton<ILoggerProvider>(_logs);
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    [Fact]
    public async Task A_failed_state_write_and_deletion_are_logged_without_the_shoppers_pseudonyms()
    {
        // Keys made as the gateway makes them, so both the grain id and the bare pseudonym are looked for.
        var writer = Pseudonyms.Pseudonymize($"writer-{Guid.NewGuid()}");
        var eraser = Pseudonyms.Pseudonymize($"eraser-{Guid.NewGuid()}");
        var events = new List<BehaviourEvent> { new("lamp", EventType.View, DateTimeOffset.UtcNow, null) };
        await _cluster.Client.GetGrain<IUserGrain>(eraser).Record(events);
        _faults.FailStateWrites(writer);
        _faults.FailStateClear(eraser);

        await Assert.ThrowsAnyAsync<Exception>(() => _cluster.Client.GetGrain<IUserGrain>(writer).Record(events));
        await Assert.ThrowsAsync<TransientFailureException>(
            () => _cluster.Client.GetGrain<IUserGrain>(eraser).Erase(new ErasureRequest(Guid.NewGuid(), "salt", "hash")));

        var entries = _logs.Entries.ToList();
        foreach (var entry in entries.Where(e => e.Contains("user/", StringComparison.Ordinal))) output.WriteLine(entry);
        Assert.DoesNotContain(entries, e => e.Contains(writer, StringComparison.Ordinal) || e.Contains(eraser, StringComparison.Ordinal));
        // Orleans did name the shoppers' grains (in its message, its values and the storage's exception): redacted.
        Assert.Contains(entries, e => e.Contains(GrainKeyRedaction.RedactedUserGrain, StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
    }
}
