using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Privacy;
using OrleansReco.Grains.Storage;
using Xunit;

namespace OrleansReco.UnitTests;

/// <summary>The rotation pass over the in-process store, with the ring configured before and after a rotation.</summary>
public sealed class UserKeyRotationTests
{
    private static readonly (string Id, string Key) Old = ("old", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
    private static readonly (string Id, string Key) New = ("new", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
    private static readonly MasterKeyRing Before = Ring("old", Old);
    private static readonly MasterKeyRing During = Ring("new", Old, New);
    private static readonly MasterKeyRing After = Ring("new", New);

    private readonly DictionaryUserKeyStore _store = new();
    private readonly Dictionary<GrainId, byte[]> _dataKeys = [];

    [Fact]
    public async Task A_pass_rewraps_every_old_key_so_that_the_old_master_key_can_go()
    {
        await Seed(Before, 5);
        await Seed(During, 3);

        var report = await Rotate(_store);

        Assert.Equal(new KeyRotationReport("new", Rewrapped: 5, AlreadyCurrent: 3, Skipped: 0, Remaining: 0), report);
        await foreach (var stored in _store.ListAsync())
        {
            Assert.Equal("new", stored.Key.MasterKeyId);
            Assert.Equal(_dataKeys[stored.Owner], After.Unwrap(stored.Owner.ToString(), stored.Key));
        }
    }

    [Fact]
    public async Task A_second_pass_finds_nothing_left()
    {
        await Seed(Before, 4);
        await Rotate(_store);

        var report = await Rotate(_store);

        Assert.Equal((0, 4, 0, 0), (report.Rewrapped, report.AlreadyCurrent, report.Skipped, report.Remaining));
    }

    [Fact]
    public async Task A_key_erased_meanwhile_is_skipped_and_stays_erased()
    {
        var erased = (await Seed(Before, 3))[1];
        var store = new InterferingStore(_store, async key =>
        {
            if (key.Owner == erased) await _store.DeleteAsync(erased);
        });

        var report = await Rotate(store);

        Assert.Equal((2, 1, 0), (report.Rewrapped, report.Skipped, report.Remaining));
        Assert.Null(await _store.GetAsync(erased));
    }

    [Fact]
    public async Task A_key_rewrapped_meanwhile_by_its_user_is_skipped_and_keeps_that_version()
    {
        var changed = (await Seed(Before, 3))[0];
        StoredUserKey? byUser = null;
        var store = new InterferingStore(_store, async key =>
        {
            if (key.Owner == changed) byUser = await _store.TryReplaceAsync(key, During.Rewrap(changed.ToString(), key.Key));
        });

        var report = await Rotate(store);

        Assert.Equal((2, 1, 0), (report.Rewrapped, report.Skipped, report.Remaining));
        Assert.Equal(byUser, await _store.GetAsync(changed));
    }

    [Fact]
    public async Task A_key_under_an_unconfigured_master_key_remains_and_is_counted()
    {
        var stray = Ring("gone", ("gone", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
        var kept = (await Seed(stray, 1))[0];
        await Seed(Before, 2);

        var report = await Rotate(_store);

        Assert.Equal((2, 0, 1), (report.Rewrapped, report.Skipped, report.Remaining));
        Assert.Equal("gone", (await _store.GetAsync(kept))!.Key.MasterKeyId);
    }

    [Fact]
    public async Task Many_keys_are_rewrapped_across_batches()
    {
        await Seed(Before, 100);

        var report = await Rotate(_store);

        Assert.Equal((100, 0), (report.Rewrapped, report.Remaining));
    }

    private static MasterKeyRing Ring(string current, params (string Id, string Key)[] keys) =>
        new(MasterKeyOptionsTests.Options(current, keys));

    private static Task<KeyRotationReport> Rotate(IUserKeyStore store) =>
        new UserKeyRotation(store, During, NullLogger<UserKeyRotation>.Instance).RewrapAllAsync();

    private async Task<List<GrainId>> Seed(MasterKeyRing ring, int count)
    {
        var owners = new List<GrainId>();
        for (var i = 0; i < count; i++)
        {
            var owner = GrainId.Create("user", Guid.NewGuid().ToString("N"));
            var dataKey = EnvelopeEncryption.NewKey();
            _dataKeys[owner] = dataKey;
            await _store.CreateIfAbsentAsync(owner, ring.Wrap(owner.ToString(), dataKey));
            owners.Add(owner);
        }

        return owners;
    }

    /// <summary>Lets another writer act on a key between the rotation's read and its conditional write.</summary>
    private sealed class InterferingStore(IUserKeyStore inner, Func<StoredUserKey, Task> beforeReplace) : IUserKeyStore
    {
        public Task<StoredUserKey?> GetAsync(GrainId owner, CancellationToken cancellationToken = default) => inner.GetAsync(owner, cancellationToken);

        public Task<StoredUserKey> CreateIfAbsentAsync(GrainId owner, WrappedDataKey key, CancellationToken cancellationToken = default) =>
            inner.CreateIfAbsentAsync(owner, key, cancellationToken);

        public async Task<StoredUserKey?> TryReplaceAsync(StoredUserKey current, WrappedDataKey replacement, CancellationToken cancellationToken = default)
        {
            await beforeReplace(current);
            return await inner.TryReplaceAsync(current, replacement, cancellationToken);
        }

        public Task DeleteAsync(GrainId owner, CancellationToken cancellationToken = default) => inner.DeleteAsync(owner, cancellationToken);

        public IAsyncEnumerable<StoredUserKey> ListAsync(CancellationToken cancellationToken = default) => inner.ListAsync(cancellationToken);
    }
}
