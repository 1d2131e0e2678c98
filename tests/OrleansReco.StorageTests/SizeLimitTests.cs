using Orleans.Storage;
using OrleansReco.Grains.Storage;
using OrleansReco.Testing;

namespace OrleansReco.StorageTests;

[Collection(AzuriteCollection.Name)]
public sealed class SizeLimitTests(AzuriteServer azurite) : IDisposable
{
    private const int Limit = 15 * 64 * 1024;
    private readonly StorageHarness _harness = StorageHarness.Create(azurite);

    [Fact]
    public async Task A_state_of_exactly_the_limit_round_trips_over_all_fifteen_columns()
    {
        var grain = StorageHarness.NewGrainId();
        var state = StateOfSerializedSize(Limit);

        await _harness.WriteAsync(grain, state);

        var row = Assert.Single(await _harness.RowsOfAsync(grain));
        Assert.Equal(15, row.Keys.Count(k => k.StartsWith("Data", StringComparison.Ordinal)));
        var read = await _harness.ReadAsync(grain);
        Assert.Equal(state.Payload, read.State.Payload);
    }

    [Fact]
    public async Task A_multi_column_state_can_be_replaced_by_another()
    {
        // 11 columns, not 15: Azurite (unlike Azure) checks an update's base64 JSON body against 1 MiB,
        // so it refuses to update states above about 3/4 MiB. See docs/storage.md.
        var grain = StorageHarness.NewGrainId();
        var state = await _harness.WriteAsync(grain, StateOfSerializedSize(11 * 64 * 1024));

        var replacement = StateOfSerializedSize(11 * 64 * 1024);
        state.State = replacement;
        await _harness.Storage.WriteStateAsync(StorageHarness.StateName, grain, state);

        var read = await _harness.ReadAsync(grain);
        Assert.Equal(replacement.Payload, read.State.Payload);
        Assert.Equal(state.ETag, read.ETag);
    }

    [Fact]
    public async Task A_state_one_byte_over_the_limit_fails_clearly_and_stores_nothing()
    {
        var grain = StorageHarness.NewGrainId();
        var state = new TestGrainState { State = StateOfSerializedSize(Limit + 1) };

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => _harness.Storage.WriteStateAsync(StorageHarness.StateName, grain, state));

        Assert.Contains((Limit + 1).ToString(), error.Message);
        Assert.Contains(Limit.ToString(), error.Message);
        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        Assert.Empty(await _harness.RowsOfAsync(grain));
    }

    [Fact]
    public async Task An_oversized_update_leaves_the_stored_state_and_etag_as_they_were()
    {
        var grain = StorageHarness.NewGrainId();
        var state = await _harness.WriteAsync(grain, new TestState { Text = "small" });
        var etag = state.ETag;

        state.State = StateOfSerializedSize(Limit + 64 * 1024);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => _harness.Storage.WriteStateAsync(StorageHarness.StateName, grain, state));

        Assert.Equal(etag, state.ETag);
        var read = await _harness.ReadAsync(grain);
        Assert.Equal("small", read.State.Text);
        Assert.Equal(etag, read.ETag);
    }

    [Fact]
    public async Task A_shrinking_state_leaves_no_stale_columns_behind()
    {
        var grain = StorageHarness.NewGrainId();
        var state = await _harness.WriteAsync(grain, StateOfSerializedSize(3 * 64 * 1024 + 10));

        state.State = new TestState { Text = "small" };
        await _harness.Storage.WriteStateAsync(StorageHarness.StateName, grain, state);

        var row = Assert.Single(await _harness.RowsOfAsync(grain));
        Assert.Equal(["Data"], row.Keys.Where(k => k.StartsWith("Data", StringComparison.Ordinal)));
        Assert.Equal("small", (await _harness.ReadAsync(grain)).State.Text);
    }

    /// <summary>A state whose serialized form is exactly <paramref name="size"/> bytes with this serializer.</summary>
    private TestState StateOfSerializedSize(int size)
    {
        var state = new TestState { Payload = new byte[size] };
        // Length prefixes are variable-width, so converge on the payload length instead of assuming an overhead.
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var actual = _harness.Serializer.Serialize(state).ToMemory().Length;
            if (actual == size)
            {
                Random.Shared.NextBytes(state.Payload);
                return state;
            }

            state.Payload = new byte[state.Payload.Length + size - actual];
        }

        throw new InvalidOperationException($"Could not build a state of exactly {size} serialized bytes.");
    }

    public void Dispose() => _harness.Dispose();
}
