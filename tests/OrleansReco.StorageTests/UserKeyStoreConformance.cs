using System.Security.Cryptography;
using Orleans.Runtime;
using OrleansReco.Grains.Privacy;
using OrleansReco.Grains.Storage;

namespace OrleansReco.StorageTests;

/// <summary>
/// What every <see cref="IUserKeyStore"/> must do, run against each implementation (a subclass per store). Wrapped
/// keys are random bytes here: the store never looks inside them.
/// </summary>
public abstract class UserKeyStoreConformance
{
    protected abstract IUserKeyStore Store { get; }

    protected static GrainId NewOwner() => GrainId.Create("user", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));

    protected static WrappedDataKey NewWrapped(string masterKeyId = "m1") => new(masterKeyId, RandomNumberGenerator.GetBytes(60));

    [Fact]
    public async Task A_missing_key_reads_as_null()
    {
        Assert.Null(await Store.GetAsync(NewOwner()));
    }

    [Fact]
    public async Task A_created_key_reads_back_with_its_etag()
    {
        var owner = NewOwner();
        var wrapped = NewWrapped();

        var created = await Store.CreateIfAbsentAsync(owner, wrapped);
        var read = await Store.GetAsync(owner);

        Assert.NotNull(read);
        Assert.Equal(owner, read.Owner);
        Assert.Equal(wrapped.MasterKeyId, read.Key.MasterKeyId);
        Assert.Equal(wrapped.Ciphertext, read.Key.Ciphertext);
        Assert.Equal(created.ETag, read.ETag);
        Assert.False(string.IsNullOrEmpty(read.ETag));
    }

    [Fact]
    public async Task Creating_twice_keeps_the_first_key()
    {
        var owner = NewOwner();
        var first = await Store.CreateIfAbsentAsync(owner, NewWrapped());

        var second = await Store.CreateIfAbsentAsync(owner, NewWrapped());

        Assert.Equal(first.Key.Ciphertext, second.Key.Ciphertext);
        Assert.Equal(first.ETag, second.ETag);
        Assert.Equal(first.Key.Ciphertext, (await Store.GetAsync(owner))!.Key.Ciphertext);
    }

    [Fact]
    public async Task Writers_racing_to_create_a_first_key_all_get_the_same_one()
    {
        // Several rounds, as one round could pass by luck of ordering even with a broken check.
        for (var round = 0; round < 5; round++)
        {
            var owner = NewOwner();

            var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Store.CreateIfAbsentAsync(owner, NewWrapped())));

            var stored = await Store.GetAsync(owner);
            Assert.All(results, r => Assert.Equal(stored!.Key.Ciphertext, r.Key.Ciphertext));
        }
    }

    [Fact]
    public async Task A_deleted_key_is_gone_and_deleting_again_or_a_missing_key_is_fine()
    {
        var owner = NewOwner();
        await Store.CreateIfAbsentAsync(owner, NewWrapped());

        await Store.DeleteAsync(owner);
        await Store.DeleteAsync(owner);
        await Store.DeleteAsync(NewOwner());

        Assert.Null(await Store.GetAsync(owner));
    }

    [Fact]
    public async Task After_deletion_a_new_key_can_be_created()
    {
        var owner = NewOwner();
        await Store.CreateIfAbsentAsync(owner, NewWrapped());
        await Store.DeleteAsync(owner);
        var fresh = NewWrapped();

        var created = await Store.CreateIfAbsentAsync(owner, fresh);

        Assert.Equal(fresh.Ciphertext, created.Key.Ciphertext);
    }

    [Fact]
    public async Task A_replace_with_the_current_etag_stores_the_new_key_under_a_new_etag()
    {
        var owner = NewOwner();
        var created = await Store.CreateIfAbsentAsync(owner, NewWrapped("m1"));
        var replacement = NewWrapped("m2");

        var replaced = await Store.TryReplaceAsync(created, replacement);

        Assert.NotNull(replaced);
        Assert.NotEqual(created.ETag, replaced.ETag);
        var read = await Store.GetAsync(owner);
        Assert.Equal(("m2", replaced.ETag), (read!.Key.MasterKeyId, read.ETag));
        Assert.Equal(replacement.Ciphertext, read.Key.Ciphertext);
    }

    [Fact]
    public async Task A_replace_with_a_stale_etag_is_skipped_and_changes_nothing()
    {
        var owner = NewOwner();
        var stale = await Store.CreateIfAbsentAsync(owner, NewWrapped("m1"));
        var current = await Store.TryReplaceAsync(stale, NewWrapped("m2"));

        var skipped = await Store.TryReplaceAsync(stale, NewWrapped("m3"));

        Assert.Null(skipped);
        var read = await Store.GetAsync(owner);
        Assert.Equal(("m2", current!.ETag), (read!.Key.MasterKeyId, read.ETag));
    }

    [Fact]
    public async Task A_replace_of_a_key_deleted_meanwhile_is_skipped_and_does_not_bring_it_back()
    {
        var owner = NewOwner();
        var read = await Store.CreateIfAbsentAsync(owner, NewWrapped());
        await Store.DeleteAsync(owner);

        Assert.Null(await Store.TryReplaceAsync(read, NewWrapped("m2")));
        Assert.Null(await Store.GetAsync(owner));
    }

    [Fact]
    public async Task Listing_gives_every_stored_key_with_its_current_etag_and_none_deleted()
    {
        var owners = Enumerable.Range(0, 12).Select(_ => NewOwner()).ToList();
        var stored = new Dictionary<GrainId, StoredUserKey>();
        foreach (var owner in owners)
        {
            stored[owner] = await Store.CreateIfAbsentAsync(owner, NewWrapped());
        }

        stored[owners[0]] = (await Store.TryReplaceAsync(stored[owners[0]], NewWrapped("m2")))!;
        await Store.DeleteAsync(owners[1]);
        stored.Remove(owners[1]);

        var listed = new List<StoredUserKey>();
        await foreach (var key in Store.ListAsync())
        {
            listed.Add(key);
        }

        Assert.Equal(stored.Keys.Order(), listed.Select(k => k.Owner).Order());
        Assert.All(listed, k =>
        {
            Assert.Equal(stored[k.Owner].ETag, k.ETag);
            Assert.Equal(stored[k.Owner].Key.MasterKeyId, k.Key.MasterKeyId);
            Assert.Equal(stored[k.Owner].Key.Ciphertext, k.Key.Ciphertext);
        });
    }
}

/// <summary>The in-process store (what the memory store's grain holds) meets the same contract.</summary>
public sealed class InMemoryUserKeyStoreTests : UserKeyStoreConformance
{
    protected override IUserKeyStore Store { get; } = new DictionaryUserKeyStore();
}
