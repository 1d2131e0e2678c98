using Orleans.Storage;
using OrleansReco.Grains.Storage;

namespace OrleansReco.StorageTests;

/// <summary>
/// What every <see cref="IAggregateRowStore"/> must do, run against each implementation (a subclass per store). Each
/// test gets a store of a service id of its own, so owners never meet across tests.
/// </summary>
public abstract class AggregateRowStoreConformance
{
    protected abstract IAggregateRowStore Store { get; }

    protected static RowOwner NewOwner(string kind = "item") => new(kind, "item-" + Guid.NewGuid().ToString("N"));

    /// <summary>Bytes that differ by seed and length, so a row read back under another name or owner shows.</summary>
    protected static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    protected static KeyValuePair<string, byte[]> Row(string name, byte[] data) => new(name, data);

    protected static RowCommit Create(byte[] head, params KeyValuePair<string, byte[]>[] inserts) => new(null, head, inserts, []);

    [Fact]
    public async Task An_owner_with_nothing_stored_reads_as_empty()
    {
        var read = await Store.ReadAsync(NewOwner());

        Assert.Null(read.HeadETag);
        Assert.Null(read.Head);
        Assert.Empty(read.Rows);
    }

    [Fact]
    public async Task A_created_owner_reads_back_its_head_with_the_returned_etag_and_exactly_its_rows()
    {
        var owner = NewOwner();
        var head = Bytes(300, 1);
        var a = Bytes(5000, 2);
        var b = Bytes(1, 3);

        var etag = await Store.CommitAsync(owner, Create(head, Row("a", a), Row("seg.0-1", b), Row("empty", [])));

        Assert.False(string.IsNullOrEmpty(etag));
        var read = await Store.ReadAsync(owner);
        Assert.Equal(etag, read.HeadETag);
        Assert.Equal(head, read.Head);
        Assert.Equal(["a", "empty", "seg.0-1"], read.Rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(a, read.Rows["a"]);
        Assert.Equal(b, read.Rows["seg.0-1"]);
        Assert.Empty(read.Rows["empty"]);
    }

    [Fact]
    public async Task An_empty_head_is_a_head()
    {
        var owner = NewOwner();

        var etag = await Store.CommitAsync(owner, Create([]));

        var read = await Store.ReadAsync(owner);
        Assert.Equal(etag, read.HeadETag);
        Assert.NotNull(read.Head);
        Assert.Empty(read.Head);
    }

    [Fact]
    public async Task A_commit_at_the_current_etag_inserts_deletes_and_replaces_the_head_under_a_new_etag()
    {
        var owner = NewOwner();
        var first = await Store.CommitAsync(owner, Create(Bytes(10, 1), Row("a", Bytes(10, 2)), Row("b", Bytes(10, 3))));
        var c = Bytes(20, 4);
        var head = Bytes(30, 5);

        var second = await Store.CommitAsync(owner, new RowCommit(first, head, [Row("c", c)], ["a"]));

        Assert.NotEqual(first, second);
        var read = await Store.ReadAsync(owner);
        AssertHead(second, head, read);
        Assert.Equal(["b", "c"], read.Rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Bytes(10, 3), read.Rows["b"]);
        Assert.Equal(c, read.Rows["c"]);
    }

    [Fact]
    public async Task A_commit_at_a_stale_etag_conflicts_and_changes_nothing()
    {
        var owner = NewOwner();
        var stale = await Store.CommitAsync(owner, Create(Bytes(10, 1), Row("a", Bytes(10, 2))));
        var current = await Store.CommitAsync(owner, new RowCommit(stale, Bytes(10, 3), [Row("b", Bytes(10, 4))], []));
        var before = await Store.ReadAsync(owner);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() =>
            Store.CommitAsync(owner, new RowCommit(stale, Bytes(10, 5), [Row("c", Bytes(10, 6))], ["a"])));

        Assert.Equal(current, conflict.StoredEtag);
        Assert.Equal(stale, conflict.CurrentEtag);
        AssertSame(before, await Store.ReadAsync(owner));
    }

    [Fact]
    public async Task Creating_an_owner_that_exists_conflicts_and_changes_nothing()
    {
        var owner = NewOwner();
        var etag = await Store.CommitAsync(owner, Create(Bytes(10, 1), Row("a", Bytes(10, 2))));
        var before = await Store.ReadAsync(owner);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() =>
            Store.CommitAsync(owner, Create(Bytes(10, 3), Row("b", Bytes(10, 4)))));

        Assert.Equal(etag, conflict.StoredEtag);
        AssertSame(before, await Store.ReadAsync(owner));
    }

    [Fact]
    public async Task A_commit_expecting_a_head_where_none_is_stored_conflicts_and_writes_nothing()
    {
        var owner = NewOwner();
        var other = NewOwner();
        var etagOfAnother = await Store.CommitAsync(other, Create(Bytes(10, 1)));

        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            Store.CommitAsync(owner, new RowCommit(etagOfAnother, Bytes(10, 2), [Row("a", Bytes(10, 3))], [])));

        AssertSame(OwnerRows.Empty, await Store.ReadAsync(owner));
    }

    [Fact]
    public async Task Inserting_a_name_that_exists_conflicts_and_leaves_the_head_as_it_was()
    {
        var owner = NewOwner();
        var etag = await Store.CommitAsync(owner, Create(Bytes(10, 1), Row("a", Bytes(10, 2))));
        var before = await Store.ReadAsync(owner);

        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            Store.CommitAsync(owner, new RowCommit(etag, Bytes(10, 3), [Row("b", Bytes(10, 4)), Row("a", Bytes(10, 5))], [])));

        AssertSame(before, await Store.ReadAsync(owner));
    }

    [Fact]
    public async Task Deleting_a_row_that_is_gone_is_not_an_error()
    {
        var owner = NewOwner();
        var etag = await Store.CommitAsync(owner, Create(Bytes(10, 1), Row("a", Bytes(10, 2)), Row("b", Bytes(10, 3))));

        var next = await Store.CommitAsync(owner, new RowCommit(etag, Bytes(10, 4), [Row("c", Bytes(10, 5))], ["never", "a", "gone"]));

        var read = await Store.ReadAsync(owner);
        AssertHead(next, Bytes(10, 4), read);
        Assert.Equal(["b", "c"], read.Rows.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Commits_of_150_rows_round_trip_and_can_all_be_replaced()
    {
        var owner = NewOwner();
        var rows = Enumerable.Range(0, 150).Select(i => Row($"r{i:D3}", Bytes(100 + i, i))).ToArray();

        var etag = await Store.CommitAsync(owner, Create(Bytes(10, 1), rows));

        var read = await Store.ReadAsync(owner);
        Assert.Equal(etag, read.HeadETag);
        AssertRows(rows, read);

        var replacements = Enumerable.Range(0, 3).Select(i => Row($"n{i}", Bytes(50, 1000 + i))).ToArray();
        var next = await Store.CommitAsync(owner, new RowCommit(etag, Bytes(10, 2), replacements, [.. rows.Select(r => r.Key)]));

        read = await Store.ReadAsync(owner);
        AssertHead(next, Bytes(10, 2), read);
        AssertRows(replacements, read);
    }

    [Fact]
    public async Task A_commit_of_more_than_4_MiB_round_trips()
    {
        var owner = NewOwner();
        var size = Store.MaxRowBytes;
        var rows = Enumerable.Range(0, 20).Select(i => Row($"big{i}", Bytes(size - i, 100 + i))).ToArray();
        var head = Bytes(size, 7);

        var etag = await Store.CommitAsync(owner, Create(head, rows));

        var read = await Store.ReadAsync(owner);
        AssertHead(etag, head, read);
        AssertRows(rows, read);

        var next = await Store.CommitAsync(owner, new RowCommit(etag, Bytes(size, 8), [], [.. rows.Skip(1).Select(r => r.Key)]));
        read = await Store.ReadAsync(owner);
        AssertHead(next, Bytes(size, 8), read);
        AssertRows(rows.Take(1).ToArray(), read);
    }

    [Fact]
    public async Task A_row_and_a_head_of_exactly_MaxRowBytes_round_trip()
    {
        var owner = NewOwner();
        var head = Bytes(Store.MaxRowBytes, 1);
        var row = Bytes(Store.MaxRowBytes, 2);

        var etag = await Store.CommitAsync(owner, Create(head, Row("max", row)));
        // A replace as well as an insert: Azurite checks update bodies against 1 MiB.
        var next = await Store.CommitAsync(owner, new RowCommit(etag, head, [], []));

        var read = await Store.ReadAsync(owner);
        AssertHead(next, head, read);
        Assert.Equal(row, read.Rows["max"]);
    }

    [Fact]
    public async Task A_row_or_head_larger_than_MaxRowBytes_is_refused_with_its_size_and_nothing_is_written()
    {
        Assert.Equal(256 * 1024, Store.MaxRowBytes);
        var owner = NewOwner();
        var etag = await Store.CommitAsync(owner, Create(Bytes(10, 1), Row("a", Bytes(10, 2))));
        var before = await Store.ReadAsync(owner);
        var tooLarge = Store.MaxRowBytes + 1;

        var rowError = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            Store.CommitAsync(owner, new RowCommit(etag, Bytes(10, 3), [Row("b", Bytes(10, 4)), Row("big", Bytes(tooLarge, 5))], ["a"])));
        var headError = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            Store.CommitAsync(owner, new RowCommit(etag, Bytes(tooLarge, 6), [Row("b", Bytes(10, 4))], ["a"])));

        Assert.All([rowError, headError], e =>
        {
            Assert.Contains(tooLarge.ToString(), e.Message);
            Assert.Contains(Store.MaxRowBytes.ToString(), e.Message);
        });
        AssertSame(before, await Store.ReadAsync(owner));
    }

    [Theory]
    [InlineData("head")]
    [InlineData("")]
    [InlineData("A")]
    [InlineData("a/b")]
    [InlineData("a|b")]
    [InlineData("a_b")]
    [InlineData("ä")]
    [InlineData("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")] // 65
    public async Task Invalid_row_names_are_refused_before_anything_is_written(string name)
    {
        var owner = NewOwner();

        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitAsync(owner, Create(Bytes(10, 1), Row(name, Bytes(10, 2)))));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitAsync(owner, new RowCommit(null, Bytes(10, 1), [], [name])));

        AssertSame(OwnerRows.Empty, await Store.ReadAsync(owner));
    }

    [Fact]
    public async Task The_longest_row_name_works()
    {
        var owner = NewOwner();
        var name = "0123456789.-abcdefghijklmnopqrstuvwxyz" + new string('z', 26);
        Assert.Equal(64, name.Length);

        await Store.CommitAsync(owner, Create(Bytes(10, 1), Row(name, Bytes(10, 2))));

        Assert.Equal(Bytes(10, 2), (await Store.ReadAsync(owner)).Rows[name]);
    }

    [Fact]
    public async Task A_name_used_twice_in_one_commit_is_refused()
    {
        var owner = NewOwner();

        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitAsync(owner, Create(Bytes(10, 1), Row("a", Bytes(1, 1)), Row("a", Bytes(1, 2)))));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitAsync(owner, new RowCommit(null, Bytes(10, 1), [], ["a", "a"])));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitAsync(owner, new RowCommit(null, Bytes(10, 1), [Row("a", Bytes(1, 1))], ["a"])));

        AssertSame(OwnerRows.Empty, await Store.ReadAsync(owner));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Item")]
    [InlineData("item|x")]
    [InlineData("item/x")]
    public async Task Invalid_kinds_are_refused(string kind)
    {
        var owner = new RowOwner(kind, "k");

        await Assert.ThrowsAsync<ArgumentException>(() => Store.ReadAsync(owner));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitAsync(owner, Create(Bytes(10, 1))));
    }

    [Fact]
    public async Task Owners_with_hostile_keys_round_trip_and_never_see_each_others_rows()
    {
        var keys = AggregateRowKeyTests.HostileKeys;
        var owners = keys.SelectMany(key => new[] { new RowOwner("item", key), new RowOwner("index", key) }).ToList();

        // Concurrently, so that owners sharing a partition also share transactions.
        var etags = await Task.WhenAll(owners.Select((owner, i) =>
            Store.CommitAsync(owner, Create(Bytes(10, i), Row("a", Bytes(20, 1000 + i)), Row($"only{i}", Bytes(5, 2000 + i))))));

        for (var i = 0; i < owners.Count; i++)
        {
            var read = await Store.ReadAsync(owners[i]);
            AssertHead(etags[i], Bytes(10, i), read);
            Assert.Equal(["a", $"only{i}"], read.Rows.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(Bytes(20, 1000 + i), read.Rows["a"]);
            Assert.Equal(Bytes(5, 2000 + i), read.Rows[$"only{i}"]);
        }
    }

    [Fact]
    public async Task Concurrent_commits_of_many_owners_all_land_and_a_conflicting_one_fails_alone()
    {
        var owners = Enumerable.Range(0, 12).Select(_ => NewOwner()).ToList();
        var etags = await Task.WhenAll(owners.Select((owner, i) => Store.CommitAsync(owner, Create(Bytes(10, i)))));
        var loser = owners[5];
        var stale = etags[5];
        etags[5] = await Store.CommitAsync(loser, new RowCommit(stale, Bytes(10, 99), [], []));

        var commits = owners.Select((owner, i) => Store.CommitAsync(owner, new RowCommit(i == 5 ? stale : etags[i], Bytes(10, 100 + i), [Row("x", Bytes(10, 200 + i))], []))).ToList();
        await Assert.ThrowsAsync<InconsistentStateException>(() => commits[5]);

        for (var i = 0; i < owners.Count; i++)
        {
            var read = await Store.ReadAsync(owners[i]);
            if (i == 5)
            {
                AssertHead(etags[5], Bytes(10, 99), read);
                Assert.Empty(read.Rows);
            }
            else
            {
                AssertHead(await commits[i], Bytes(10, 100 + i), read);
                Assert.Equal(Bytes(10, 200 + i), read.Rows["x"]);
            }
        }
    }

    [Fact]
    public async Task Of_two_writers_racing_from_one_etag_exactly_one_wins()
    {
        // Several rounds, as one round could pass by luck of ordering even with a broken check.
        for (var round = 0; round < 5; round++)
        {
            var owner = NewOwner();
            var etag = await Store.CommitAsync(owner, Create(Bytes(10, 1)));

            var racers = Enumerable.Range(0, 3).Select(i => Store.CommitAsync(owner, new RowCommit(etag, Bytes(10, 10 + i), [Row($"r{i}", Bytes(10, i))], []))).ToList();
            var outcomes = await Task.WhenAll(racers.Select(async r =>
            {
                try
                {
                    return await r;
                }
                catch (InconsistentStateException)
                {
                    return null;
                }
            }));

            var winner = Assert.Single(outcomes.Select((won, i) => (ETag: won, Index: i)), o => o.ETag is not null);
            var read = await Store.ReadAsync(owner);
            AssertHead(winner.ETag, Bytes(10, 10 + winner.Index), read);
            Assert.Equal([$"r{winner.Index}"], read.Rows.Keys);
        }
    }

    [Fact]
    public async Task Rows_are_copied_in_and_out()
    {
        var owner = NewOwner();
        var head = Bytes(10, 1);
        var row = Bytes(10, 2);
        await Store.CommitAsync(owner, Create(head, Row("a", row)));
        head[0] ^= 0xFF;
        row[0] ^= 0xFF;

        var read = await Store.ReadAsync(owner);
        read.Head![1] ^= 0xFF;
        read.Rows["a"][1] ^= 0xFF;

        var again = await Store.ReadAsync(owner);
        Assert.Equal(Bytes(10, 1), again.Head);
        Assert.Equal(Bytes(10, 2), again.Rows["a"]);
    }

    protected static void AssertHead(string? etag, byte[] head, OwnerRows read)
    {
        Assert.Equal(etag, read.HeadETag);
        Assert.Equal(head, read.Head);
    }

    protected static void AssertRows(KeyValuePair<string, byte[]>[] expected, OwnerRows read)
    {
        Assert.Equal(expected.Select(r => r.Key).Order(StringComparer.Ordinal), read.Rows.Keys.Order(StringComparer.Ordinal));
        Assert.All(expected, r => Assert.Equal(r.Value, read.Rows[r.Key]));
    }

    protected static void AssertSame(OwnerRows expected, OwnerRows actual)
    {
        Assert.Equal(expected.HeadETag, actual.HeadETag);
        Assert.Equal(expected.Head, actual.Head);
        AssertRows([.. expected.Rows], actual);
    }
}

/// <summary>The memory store meets the same contract.</summary>
public sealed class MemoryAggregateRowStoreTests : AggregateRowStoreConformance
{
    private readonly string _serviceId = "memory-" + Guid.NewGuid().ToString("N");

    protected override IAggregateRowStore Store => new MemoryAggregateRowStore(_serviceId);

    [Fact]
    public async Task Stores_of_one_service_id_share_rows_and_other_service_ids_do_not()
    {
        var owner = NewOwner();
        var etag = await new MemoryAggregateRowStore(_serviceId).CommitAsync(owner, Create(Bytes(10, 1), Row("a", Bytes(10, 2))));

        var read = await new MemoryAggregateRowStore(_serviceId).ReadAsync(owner);
        var elsewhere = await new MemoryAggregateRowStore(_serviceId + "-other").ReadAsync(owner);

        AssertHead(etag, Bytes(10, 1), read);
        AssertSame(OwnerRows.Empty, elsewhere);
    }
}
