using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Storage;

namespace OrleansReco.Grains.Privacy;

/// <summary>
/// One rotation pass over the key store: every key not under the current master key is rewrapped under it, with a
/// conditional write, so a key its user changed or erased meanwhile is skipped (never overwritten or recreated).
/// </summary>
public sealed partial class UserKeyRotation(IUserKeyStore keys, MasterKeyRing ring, ILogger<UserKeyRotation> logger)
{
    /// <summary>Rewraps run this many at a time: each is a table round trip, and a pass may cover millions of keys.</summary>
    private const int Concurrency = 16;

    private enum Outcome
    {
        Rewrapped,
        Skipped,
        Remaining,
    }

    public async Task<KeyRotationReport> RewrapAllAsync(CancellationToken cancellationToken = default)
    {
        var (rewrapped, current, skipped, remaining) = (0, 0, 0, 0);
        var unconfigured = new HashSet<string>(StringComparer.Ordinal);
        var batch = new List<StoredUserKey>(Concurrency);

        async Task Flush()
        {
            foreach (var outcome in await Task.WhenAll(batch.Select(k => RewrapAsync(k, unconfigured, cancellationToken))))
            {
                switch (outcome)
                {
                    case Outcome.Rewrapped: rewrapped++; break;
                    case Outcome.Skipped: skipped++; break;
                    default: remaining++; break;
                }
            }

            batch.Clear();
        }

        await foreach (var stored in keys.ListAsync(cancellationToken))
        {
            if (!ring.NeedsRewrap(stored.Key))
            {
                current++;
                continue;
            }

            batch.Add(stored);
            if (batch.Count == Concurrency)
            {
                await Flush();
            }
        }

        await Flush();
        foreach (var id in unconfigured)
        {
            LogUnconfigured(id);
        }

        LogPass(ring.CurrentKeyId, rewrapped, current, skipped, remaining);
        return new KeyRotationReport(ring.CurrentKeyId, rewrapped, current, skipped, remaining);
    }

    private async Task<Outcome> RewrapAsync(StoredUserKey stored, HashSet<string> unconfigured, CancellationToken cancellationToken)
    {
        WrappedDataKey replacement;
        try
        {
            replacement = ring.Rewrap(stored.Owner.ToString(), stored.Key);
        }
        catch (MasterKeyNotConfiguredException exception)
        {
            // Stays under its old key; the report counts it, so that key is not retired while it is still needed.
            lock (unconfigured)
            {
                unconfigured.Add(exception.MasterKeyId);
            }

            return Outcome.Remaining;
        }
        catch (CryptographicException exception)
        {
            LogUnreadable(exception);
            return Outcome.Remaining;
        }

        return await keys.TryReplaceAsync(stored, replacement, cancellationToken) is null ? Outcome.Skipped : Outcome.Rewrapped;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Master-key rotation pass under {CurrentKeyId}: {Rewrapped} rewrapped, {AlreadyCurrent} already current, {Skipped} skipped, {Remaining} remaining")]
    private partial void LogPass(string currentKeyId, int rewrapped, int alreadyCurrent, int skipped, int remaining);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Data keys wrapped by master key {MasterKeyId} cannot be rewrapped: that key is not configured on this silo")]
    private partial void LogUnconfigured(string masterKeyId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A stored data key does not unwrap (altered, or stored under another owner); it is left as it is")]
    private partial void LogUnreadable(Exception exception);
}
