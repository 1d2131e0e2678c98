using Orleans.Storage;
using OrleansReco.Testing;

namespace OrleansReco.StorageTests;

[Collection(AzuriteCollection.Name)]
public sealed class ClearTests(AzuriteServer azurite) : IDisposable
{
    private readonly StorageHarness _deleting = StorageHarness.Create(azurite);
    private readonly StorageHarness _keeping = StorageHarness.Create(azurite, tableName: "KeptRowsState", deleteStateOnClear: false);

    [Fact]
    public async Task Clear_deletes_the_row_and_resets_the_state()
    {
        var grain = StorageHarness.NewGrainId();
        var state = await _deleting.WriteAsync(grain, new TestState { Text = "personal" });

        await _deleting.Storage.ClearStateAsync(StorageHarness.StateName, grain, state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Equal(string.Empty, state.State.Text);
        Assert.Empty(await _deleting.RowsOfAsync(grain));
        var read = await _deleting.ReadAsync(grain);
        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
    }

    [Fact]
    public async Task After_clear_the_grain_can_write_again()
    {
        var grain = StorageHarness.NewGrainId();
        var state = await _deleting.WriteAsync(grain, new TestState { Counter = 1 });
        await _deleting.Storage.ClearStateAsync(StorageHarness.StateName, grain, state);

        state.State = new TestState { Counter = 2 };
        await _deleting.Storage.WriteStateAsync(StorageHarness.StateName, grain, state);

        Assert.True(state.RecordExists);
        Assert.Equal(2, (await _deleting.ReadAsync(grain)).State.Counter);
    }

    [Fact]
    public async Task Clear_with_a_stale_etag_is_rejected_and_keeps_the_row()
    {
        var grain = StorageHarness.NewGrainId();
        var stale = await _deleting.WriteAsync(grain, new TestState { Counter = 1 });
        await _deleting.WriteAsync(grain, new TestState { Counter = 2 }, stale.ETag);

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => _deleting.Storage.ClearStateAsync(StorageHarness.StateName, grain, stale));

        Assert.Equal(2, (await _deleting.ReadAsync(grain)).State.Counter);
    }

    [Fact]
    public async Task Clear_without_etag_of_a_row_written_by_another_is_rejected()
    {
        var grain = StorageHarness.NewGrainId();
        await _deleting.WriteAsync(grain, new TestState { Counter = 1 });
        var unaware = new TestGrainState { State = new TestState() };

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => _deleting.Storage.ClearStateAsync(StorageHarness.StateName, grain, unaware));

        Assert.Single(await _deleting.RowsOfAsync(grain));
    }

    [Fact]
    public async Task Clear_of_a_grain_that_never_wrote_is_a_no_op()
    {
        var grain = StorageHarness.NewGrainId();
        var state = await _deleting.ReadAsync(grain);

        await _deleting.Storage.ClearStateAsync(StorageHarness.StateName, grain, state);

        Assert.False(state.RecordExists);
        Assert.Empty(await _deleting.RowsOfAsync(grain));
    }

    [Fact]
    public async Task Without_delete_on_clear_an_empty_row_is_kept_and_guards_the_next_write()
    {
        var grain = StorageHarness.NewGrainId();
        var state = await _keeping.WriteAsync(grain, new TestState { Text = "x", Payload = new byte[100_000] });

        await _keeping.Storage.ClearStateAsync(StorageHarness.StateName, grain, state);

        Assert.False(state.RecordExists);
        Assert.NotNull(state.ETag);
        var row = Assert.Single(await _keeping.RowsOfAsync(grain));
        Assert.DoesNotContain(row.Keys, k => k.StartsWith("Data", StringComparison.Ordinal));

        var read = await _keeping.ReadAsync(grain);
        Assert.False(read.RecordExists);
        Assert.Equal(state.ETag, read.ETag);
        Assert.Equal(string.Empty, read.State.Text);

        await Assert.ThrowsAsync<InconsistentStateException>(() => _keeping.WriteAsync(grain, new TestState(), etag: null));
        read.State = new TestState { Text = "again" };
        await _keeping.Storage.WriteStateAsync(StorageHarness.StateName, grain, read);
        Assert.Equal("again", (await _keeping.ReadAsync(grain)).State.Text);
    }

    public void Dispose()
    {
        _deleting.Dispose();
        _keeping.Dispose();
    }
}
