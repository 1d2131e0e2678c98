using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using OrleansReco.Grains.Storage;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Items;
using OrleansReco.Tools.Evaluation;
using Xunit;

namespace OrleansReco.ToolsTests;

public sealed class ProcessMemoryGrainStorageTests
{
    private static readonly GrainId Grain = GrainId.Create("item", "some-item");
    private readonly ProcessMemoryGrainStorage.Store _store = new();
    private readonly ServiceProvider _services = new ServiceCollection()
        .AddSerializer(serializer => serializer.AddAssembly(typeof(ItemState).Assembly))
        .AddSingleton<IGrainStorageSerializer, ExactSizeGrainStorageSerializer>()
        .BuildServiceProvider();

    /// <summary>A silo's storage: its own serializer over the store every silo of the process shares.</summary>
    private ProcessMemoryGrainStorage Silo() => new(
        _store, _services.GetRequiredService<IGrainStorageSerializer>(), _services.GetRequiredService<IActivatorProvider>());

    [Fact]
    public async Task What_one_silo_writes_another_reads_as_a_copy()
    {
        var written = State(occurrence: 3);
        await Silo().WriteStateAsync("item", Grain, written);
        written.State!.CoOccurrence["b"] = 99; // the grain goes on changing its state after the write

        var read = new GrainState<ItemState>(new ItemState());
        await Silo().ReadStateAsync("item", Grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(3, read.State!.Occurrence);
        Assert.Equal(1, read.State!.CoOccurrence["b"]);
    }

    [Fact]
    public async Task A_write_or_clear_from_a_stale_etag_is_refused_and_changes_nothing()
    {
        var storage = Silo();
        var first = State(occurrence: 1);
        await storage.WriteStateAsync("item", Grain, first);
        var stale = new GrainState<ItemState>(new ItemState { Occurrence = 2 }) { ETag = first.ETag };
        await storage.WriteStateAsync("item", Grain, first); // a newer write: 'stale' now holds an old etag

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("item", Grain, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("item", Grain, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("item", Grain, new GrainState<ItemState>(new ItemState())));

        var read = new GrainState<ItemState>(new ItemState());
        await storage.ReadStateAsync("item", Grain, read);
        Assert.Equal(1, read.State!.Occurrence);
    }

    [Fact]
    public async Task A_cleared_state_reads_as_absent_and_can_be_written_anew()
    {
        var storage = Silo();
        var state = State(occurrence: 5);
        await storage.WriteStateAsync("item", Grain, state);

        await storage.ClearStateAsync("item", Grain, state);
        var read = new GrainState<ItemState>(new ItemState());
        await storage.ReadStateAsync("item", Grain, read);

        Assert.False(state.RecordExists);
        Assert.Equal(0, state.State!.Occurrence);
        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        await storage.WriteStateAsync("item", Grain, State(occurrence: 6));
    }

    private static GrainState<ItemState> State(int occurrence) => new(new ItemState
    {
        Occurrence = occurrence,
        CoOccurrence = new Dictionary<string, int>(StringComparer.Ordinal) { ["b"] = 1 },
        Details = new ItemDetails("title", null, [], null, true),
    });
}
