using System.Security.Cryptography;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Users;
using OrleansReco.Testing;
using Xunit;

namespace OrleansReco.ClusterTests;

[Collection(ClusterCollection.Name)]
public sealed class EncryptionAtRestTests(RecoClusterFixture fixture)
{
    private readonly Storefront _shop = new(fixture.Client);
    private readonly StoredUsers _stored = new(fixture.Cluster);
    private readonly string _city = "City-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Storage_holds_the_state_only_as_ciphertext_with_the_format_version_in_plain()
    {
        var user = _shop.UserGrain("eve");
        await user.SetProfile(new Dictionary<string, string> { ["city"] = _city });
        await _shop.Do("eve", EventType.Purchase, "lamp", "rug");

        var state = await _stored.State(user);

        Assert.True(state.RecordExists);
        Assert.Equal(UserDataVault.CurrentFormat, state.State.FormatVersion);
        Assert.NotNull(state.State.Sealed);
        var serialized = _stored.Serialized(state.State);
        foreach (var personal in new[] { _city, "city", _shop.Item("lamp"), _shop.Item("rug") })
        {
            Assert.False(StoredUsers.Contains(serialized, personal), $"'{personal}' is stored in plain");
        }
        // The same values are there once decrypted: the check above looks for something that exists.
        var export = await user.Export();
        Assert.Equal(_city, export!.Profile["city"]);
        Assert.Contains(_shop.Item("lamp"), export.History.Select(h => h.ItemId));
    }

    [Fact]
    public async Task The_first_write_stores_a_key_wrapped_by_the_current_master_key()
    {
        var user = _shop.UserGrain("fay");
        Assert.Null(await _stored.Keys.GetAsync(user.GetGrainId()));

        await user.SetConsent(true);

        var key = await _stored.Keys.GetAsync(user.GetGrainId());
        Assert.NotNull(key);
        Assert.Equal(RecoTestSilo.MasterKeyId, key.Key.MasterKeyId);
    }

    [Fact]
    public async Task A_reactivated_user_reads_everything_back_from_the_ciphertext()
    {
        var user = _shop.UserGrain("gus");
        await user.SetProfile(new Dictionary<string, string> { ["city"] = _city });
        await _shop.Do("gus", EventType.View, "lamp", "rug");
        await _shop.Do("gus", EventType.Cart, "lamp");
        var before = await user.Export();

        await fixture.Cluster.DeactivateAsync(user);
        var after = await user.Export();

        Assert.NotNull(after);
        Assert.Equal(before!.Profile, after.Profile);
        Assert.Equal(before.History, after.History);
        Assert.Equal(2, after.History.Count);
    }

    [Fact]
    public async Task Keys_are_visible_from_every_silo()
    {
        var user = _shop.UserGrain("hal");
        await user.SetConsent(true);

        var seen = await Task.WhenAll(Enumerable.Range(0, fixture.Cluster.Silos.Count)
            .Select(i => new StoredUsers(fixture.Cluster, i).Keys.GetAsync(user.GetGrainId())));

        Assert.All(seen, key => Assert.Equal(seen[0]!.Key.Ciphertext, key!.Key.Ciphertext));
    }

    [Fact]
    public async Task Erasure_destroys_the_key_and_deletes_the_state_and_a_later_write_gets_a_new_key()
    {
        var user = _shop.UserGrain("ida");
        await user.SetProfile(new Dictionary<string, string> { ["city"] = _city });
        var oldKey = await _stored.Keys.GetAsync(user.GetGrainId());

        await user.Erase(new ErasureRequest(Guid.NewGuid(), "salt", "hash"));

        Assert.Null(await _stored.Keys.GetAsync(user.GetGrainId()));
        Assert.False((await _stored.State(user)).RecordExists);

        await _shop.Do("ida", EventType.View, "lamp");
        var newKey = await _stored.Keys.GetAsync(user.GetGrainId());
        var owner = user.GetGrainId().ToString();
        Assert.NotEqual(_stored.Ring.Unwrap(owner, oldKey!.Key), _stored.Ring.Unwrap(owner, newKey!.Key));
    }

    [Fact]
    public async Task A_state_left_without_its_key_by_an_interrupted_erasure_is_unreadable_and_deleted()
    {
        var user = _shop.UserGrain("jo");
        await user.SetProfile(new Dictionary<string, string> { ["city"] = _city });
        await _shop.Do("jo", EventType.View, "lamp");
        await fixture.Cluster.DeactivateAsync(user);

        // What a crash between the erasure's two deletions leaves behind: the state, without its key.
        await _stored.Keys.DeleteAsync(user.GetGrainId());

        Assert.Null(await user.Export());
        Assert.False((await _stored.State(user)).RecordExists);
    }

    [Fact]
    public async Task A_state_copied_into_another_users_row_does_not_open_and_is_not_taken_for_erased()
    {
        var (kim, lee) = (_shop.UserGrain("kim"), _shop.UserGrain("lee"));
        await kim.SetProfile(new Dictionary<string, string> { ["city"] = _city });
        await lee.SetProfile(new Dictionary<string, string> { ["city"] = "elsewhere" });
        await fixture.Cluster.DeactivateAsync(lee);

        await _stored.Overwrite(lee, (await _stored.State(kim)).State);

        // The activation fails on authentication; the row stays for an operator to look at, and so does the key.
        await Assert.ThrowsAnyAsync<CryptographicException>(() => lee.Export());
        Assert.True((await _stored.State(lee)).RecordExists);
        Assert.NotNull(await _stored.Keys.GetAsync(lee.GetGrainId()));
    }
}
