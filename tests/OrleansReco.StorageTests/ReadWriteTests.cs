using Orleans.Storage;
using OrleansReco.Testing;

namespace OrleansReco.StorageTests;

[Collection(AzuriteCollection.Name)]
public sealed class ReadWriteTests(AzuriteServer azurite) : IDisposable
{
    private readonly StorageHarness _harness = StorageHarness.Create(azurite);

    [Fact]
    public async Task Reading_a_missing_row_gives_the_default_state_without_etag()
    {
        var state = await _harness.ReadAsync(StorageHarness.NewGrainId());

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.NotNull(state.State);
        Assert.Equal(string.Empty, state.State.Text);
        Assert.Equal(0, state.State.Counter);
    }

    [Fact]
    public async Task A_written_state_reads_back_in_a_fresh_activation()
    {
        var grain = StorageHarness.NewGrainId();
        var written = await _harness.WriteAsync(grain, new TestState { Text = "hello", Counter = 42, Payload = [1, 2, 3] });

        Assert.True(written.RecordExists);
        Assert.NotNull(written.ETag);

        var read = await _harness.ReadAsync(grain);
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal("hello", read.State.Text);
        Assert.Equal(42, read.State.Counter);
        Assert.Equal(new byte[] { 1, 2, 3 }, read.State.Payload);
    }

    [Fact]
    public async Task An_update_with_the_current_etag_succeeds_and_moves_the_etag()
    {
        var grain = StorageHarness.NewGrainId();
        var state = await _harness.WriteAsync(grain, new TestState { Counter = 1 });
        var first = state.ETag;

        state.State = new TestState { Counter = 2 };
        await _harness.Storage.WriteStateAsync(StorageHarness.StateName, grain, state);

        Assert.NotEqual(first, state.ETag);
        var read = await _harness.ReadAsync(grain);
        Assert.Equal(2, read.State.Counter);
        Assert.Equal(state.ETag, read.ETag);
    }

    [Fact]
    public async Task An_update_with_a_stale_etag_is_rejected_and_changes_nothing()
    {
        var grain = StorageHarness.NewGrainId();
        var stale = await _harness.WriteAsync(grain, new TestState { Counter = 1 });
        var staleEtag = stale.ETag;
        var current = await _harness.WriteAsync(grain, new TestState { Counter = 2 }, staleEtag);

        stale.State = new TestState { Counter = 3 };
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(
            () => _harness.Storage.WriteStateAsync(StorageHarness.StateName, grain, stale));

        Assert.Equal(current.ETag, conflict.StoredEtag);
        Assert.Equal(staleEtag, conflict.CurrentEtag);
        var read = await _harness.ReadAsync(grain);
        Assert.Equal(2, read.State.Counter);
        Assert.Equal(current.ETag, read.ETag);
    }

    [Fact]
    public async Task An_insert_over_an_existing_row_is_rejected()
    {
        var grain = StorageHarness.NewGrainId();
        var existing = await _harness.WriteAsync(grain, new TestState { Counter = 1 });

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(
            () => _harness.WriteAsync(grain, new TestState { Counter = 2 }, etag: null));

        Assert.Equal(existing.ETag, conflict.StoredEtag);
        Assert.Equal(1, (await _harness.ReadAsync(grain)).State.Counter);
    }

    [Fact]
    public async Task An_update_of_a_row_deleted_meanwhile_is_rejected()
    {
        var grain = StorageHarness.NewGrainId();
        var stale = await _harness.WriteAsync(grain, new TestState { Counter = 1 });
        var other = await _harness.ReadAsync(grain);
        await _harness.Storage.ClearStateAsync(StorageHarness.StateName, grain, other);

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => _harness.Storage.WriteStateAsync(StorageHarness.StateName, grain, stale));

        Assert.Empty(await _harness.RowsOfAsync(grain));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Of_two_writers_racing_for_one_grain_exactly_one_wins(bool rowExists)
    {
        // Several rounds, as one round could pass by luck of ordering even with a broken check.
        for (var round = 0; round < 10; round++)
        {
            var grain = StorageHarness.NewGrainId();
            var etag = rowExists ? (await _harness.WriteAsync(grain, new TestState { Text = "base" })).ETag : null;
            var a = new TestGrainState { State = new TestState { Text = "a" }, ETag = etag };
            var b = new TestGrainState { State = new TestState { Text = "b" }, ETag = etag };

            var outcomes = await Task.WhenAll(Attempt(grain, a), Attempt(grain, b));

            Assert.Single(outcomes, o => o is null);
            Assert.Single(outcomes, o => o is InconsistentStateException);
            var winner = outcomes[0] is null ? a : b;
            var read = await _harness.ReadAsync(grain);
            Assert.Equal(winner.State.Text, read.State.Text);
            Assert.Equal(winner.ETag, read.ETag);
        }
    }

    [Fact]
    public async Task Many_grains_written_in_parallel_each_keep_their_own_state()
    {
        var grains = Enumerable.Range(0, 200).Select(_ => StorageHarness.NewGrainId()).ToArray();

        await Task.WhenAll(grains.Select((g, i) => _harness.WriteAsync(g, new TestState { Counter = i, Text = g.ToString() })));
        var reads = await Task.WhenAll(grains.Select(g => _harness.ReadAsync(g)));

        for (var i = 0; i < grains.Length; i++)
        {
            Assert.Equal(i, reads[i].State.Counter);
            Assert.Equal(grains[i].ToString(), reads[i].State.Text);
        }
    }

    [Fact]
    public async Task State_names_of_one_grain_are_separate_rows()
    {
        var grain = StorageHarness.NewGrainId();
        await _harness.WriteAsync(grain, new TestState { Text = "one" }, stateName: "one");
        await _harness.WriteAsync(grain, new TestState { Text = "two" }, stateName: "two/#?");

        Assert.Equal("one", (await _harness.ReadAsync(grain, "one")).State.Text);
        Assert.Equal("two", (await _harness.ReadAsync(grain, "two/#?")).State.Text);
        Assert.Equal(2, (await _harness.RowsOfAsync(grain)).Count);
    }

    [Fact]
    public async Task Services_with_different_ids_do_not_see_each_others_state()
    {
        using var other = StorageHarness.Create(azurite, serviceId: "another-service");
        var grain = StorageHarness.NewGrainId();
        await _harness.WriteAsync(grain, new TestState { Text = "mine" });

        var seen = await other.ReadAsync(grain);

        Assert.False(seen.RecordExists);
    }

    private async Task<Exception?> Attempt(Orleans.Runtime.GrainId grain, TestGrainState state)
    {
        try
        {
            await _harness.Storage.WriteStateAsync(StorageHarness.StateName, grain, state);
            return null;
        }
        catch (InconsistentStateException exception)
        {
            return exception;
        }
    }

    public void Dispose() => _harness.Dispose();
}
