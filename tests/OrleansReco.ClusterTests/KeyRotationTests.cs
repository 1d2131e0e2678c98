using System.Security.Cryptography;
using Orleans.TestingHost;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Privacy;
using OrleansReco.Grains.Storage;
using OrleansReco.Testing;
using Xunit;

namespace OrleansReco.ClusterTests;

/// <summary>
/// A cluster in the middle of a rotation: it holds the old master key and the test key, and the test key is current.
/// Keys wrapped before the rotation are made by putting a key wrapped under the old master key in the store, as a
/// cluster configured with the old key as current would have left it.
/// </summary>
public sealed class RotationClusterFixture : IAsyncLifetime
{
    public const string OldKeyId = "test-0";
    public static readonly string OldKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) => silo.AddRecoForTests(masterKeys: keys =>
            keys.Keys.Add(new MasterKeyEntry { Id = OldKeyId, Key = OldKey })));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>Tests of one class run one at a time, so each pass sees exactly the keys the store holds when it starts.</summary>
public sealed class KeyRotationTests(RotationClusterFixture fixture) : IClassFixture<RotationClusterFixture>
{
    private static readonly MasterKeyRing BeforeRotation = new(new MasterKeyOptions
    {
        CurrentKeyId = RotationClusterFixture.OldKeyId,
        Keys = [new MasterKeyEntry { Id = RotationClusterFixture.OldKeyId, Key = RotationClusterFixture.OldKey }],
    });

    private readonly Storefront _shop = new(fixture.Cluster.Client);
    private readonly StoredUsers _stored = new(fixture.Cluster);

    private IKeyRotationGrain Rotation => fixture.Cluster.Client.GetGrain<IKeyRotationGrain>(0);

    [Fact]
    public async Task Keys_under_the_current_master_key_are_reported_as_current_and_left_alone()
    {
        await _shop.Do("ann", EventType.View, "a");
        var before = await _stored.Keys.GetAsync(_shop.UserGrain("ann").GetGrainId());
        var (old, current) = await Census();

        var report = await Rotation.RewrapAll();

        Assert.Equal(new KeyRotationReport(RecoTestSilo.MasterKeyId, old, current, 0, 0), report);
        Assert.True(current >= 1);
        Assert.Equal(before!.ETag, (await _stored.Keys.GetAsync(_shop.UserGrain("ann").GetGrainId()))!.ETag);
    }

    [Fact]
    public async Task RewrapAll_moves_old_keys_to_the_current_master_key_and_the_data_still_opens()
    {
        var users = new[] { "bo", "cy", "di" };
        foreach (var user in users)
        {
            await _shop.UserGrain(user).SetProfile(new Dictionary<string, string> { ["name"] = user });
            await WrapUnderOldKey(user);
        }

        var (old, current) = await Census();
        Assert.True(old >= users.Length);

        var report = await Rotation.RewrapAll();

        Assert.Equal(new KeyRotationReport(RecoTestSilo.MasterKeyId, old, current, 0, 0), report);
        Assert.Equal((0, old + current), await Census());
        foreach (var user in users)
        {
            await fixture.Cluster.DeactivateAsync(_shop.UserGrain(user));
            Assert.Equal(user, (await _shop.UserGrain(user).Export())!.Profile["name"]);
        }
    }

    [Fact]
    public async Task An_old_key_is_rewrapped_lazily_when_its_user_activates()
    {
        await _shop.UserGrain("ed").SetProfile(new Dictionary<string, string> { ["name"] = "ed" });
        await WrapUnderOldKey("ed");

        Assert.Equal("ed", (await _shop.UserGrain("ed").Export())!.Profile["name"]);

        var key = await _stored.Keys.GetAsync(_shop.UserGrain("ed").GetGrainId());
        Assert.Equal(RecoTestSilo.MasterKeyId, key!.Key.MasterKeyId);
    }

    [Fact]
    public async Task A_key_under_a_master_key_the_cluster_lacks_is_counted_as_remaining_and_kept()
    {
        var stray = new MasterKeyRing(new MasterKeyOptions
        {
            CurrentKeyId = "retired-too-early",
            Keys = [new MasterKeyEntry { Id = "retired-too-early", Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) }],
        });
        var owner = _shop.UserGrain("fi").GetGrainId();
        await _stored.Keys.CreateIfAbsentAsync(owner, stray.Wrap(owner.ToString(), EnvelopeEncryption.NewKey()));
        try
        {
            var report = await Rotation.RewrapAll();

            Assert.Equal(1, report.Remaining);
            Assert.Equal("retired-too-early", (await _stored.Keys.GetAsync(owner))!.Key.MasterKeyId);
        }
        finally
        {
            await _stored.Keys.DeleteAsync(owner);
        }
    }

    /// <summary>Puts the user's data key back under the old master key, as it was before the rotation.</summary>
    private async Task WrapUnderOldKey(string user)
    {
        var grain = _shop.UserGrain(user);
        await fixture.Cluster.DeactivateAsync(grain);
        var owner = grain.GetGrainId().ToString();
        var stored = (await _stored.Keys.GetAsync(grain.GetGrainId()))!;
        var dataKey = _stored.Ring.Unwrap(owner, stored.Key);
        Assert.NotNull(await _stored.Keys.TryReplaceAsync(stored, BeforeRotation.Wrap(owner, dataKey)));
    }

    /// <summary>How many stored keys are under the old and under the current master key.</summary>
    private async Task<(int Old, int Current)> Census()
    {
        var (old, current) = (0, 0);
        await foreach (var key in _stored.Keys.ListAsync())
        {
            if (key.Key.MasterKeyId == RotationClusterFixture.OldKeyId) old++;
            else if (key.Key.MasterKeyId == RecoTestSilo.MasterKeyId) current++;
        }

        return (old, current);
    }
}
