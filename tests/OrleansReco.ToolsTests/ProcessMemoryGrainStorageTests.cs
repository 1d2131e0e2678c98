using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using OrleansReco.Grains.Storage;
using OrleansReco.Grains.Users;
using OrleansReco.Tools.Evaluation;
using Xunit;

namespace OrleansReco.ToolsTests;

public sealed class ProcessMemoryGrainStorageTests
{
    private static readonly GrainId Grain = GrainId.Create("user", "some-user");
    private readonly ProcessMemoryGrainStorage.Store _store = new();
    private readonly ServiceProvider _services = new ServiceCollection()
        .AddSerializer(serializer => serializer.AddAssembly(typeof(UserState).Assembly))
        .AddSingleton<IGrainStorageSerializer, ExactSizeGrainStorageSerializer>()
        .BuildServiceProvider();

    /// <summary>A silo's storage: its own serializer over the store every silo of the process shares.</summary>
    private ProcessMemoryGrainStorage Silo() => new(
        _store, _services.GetRequiredService<IGrainStorageSerializer>(), _services.GetRequiredService<IActivatorProvider>());

    [Fact]
    public async Task What_one_silo_writes_another_reads_as_a_copy()
    {
        var written = State(formatVersion: 3);
        await Silo().WriteStateAsync("user", Grain, written);
        written.State!.Sealed![0] = 99; // the grain goes on changing its state after the write

        var read = new GrainState<UserState>(new UserState());
        await Silo().ReadStateAsync("user", Grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(3, read.State!.FormatVersion);
        Assert.Equal(1, read.State!.Sealed![0]);
    }

    [Fact]
    public async Task A_write_or_clear_from_a_stale_etag_is_refused_and_changes_nothing()
    {
        var storage = Silo();
        var first = State(formatVersion: 1);
        await storage.WriteStateAsync("user", Grain, first);
        var stale = new GrainState<UserState>(new UserState { FormatVersion = 2 }) { ETag = first.ETag };
        await storage.WriteStateAsync("user", Grain, first); // a newer write: 'stale' now holds an old etag

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("user", Grain, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("user", Grain, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("user", Grain, new GrainState<UserState>(new UserState())));

        var read = new GrainState<UserState>(new UserState());
        await storage.ReadStateAsync("user", Grain, read);
        Assert.Equal(1, read.State!.FormatVersion);
    }

    [Fact]
    public async Task A_cleared_state_reads_as_absent_and_can_be_written_anew()
    {
        var storage = Silo();
        var state = State(formatVersion: 5);
        await storage.WriteStateAsync("user", Grain, state);

        await storage.ClearStateAsync("user", Grain, state);
        var read = new GrainState<UserState>(new UserState());
        await storage.ReadStateAsync("user", Grain, read);

        Assert.False(state.RecordExists);
        Assert.Equal(0, state.State!.FormatVersion);
        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        await storage.WriteStateAsync("user", Grain, State(formatVersion: 6));
    }

    private static GrainState<UserState> State(int formatVersion) => new(new UserState
    {
        FormatVersion = formatVersion,
        Sealed = [1, 2, 3],
    });
}
