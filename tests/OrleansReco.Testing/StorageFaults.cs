using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using OrleansReco.Grains.Hosting;
using OrleansReco.Grains.Storage;

namespace OrleansReco.Testing;

/// <summary>
/// Makes chosen writes of the real (memory) stores fail, as a storage outage would: a grain's next state writes, or an
/// aggregate's next checkpoints. Install one instance on every silo of an in-process cluster
/// (<see cref="RecoTestSilo.AddRecoForTests"/> takes it); tests arm their own keys.
/// </summary>
public sealed class StorageFaults
{
    public const string Message = "Injected storage fault.";

    private readonly ConcurrentDictionary<string, int> _stateWrites = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<RowOwner, int> _checkpoints = new();
    private readonly ConcurrentDictionary<string, int> _stateWritesSeen = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _stateClears = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, WriteGate> _holds = new(StringComparer.Ordinal);

    /// <summary>How many state writes of the grain keyed <paramref name="grainKey"/> storage has taken so far.</summary>
    public int StateWrites(string grainKey) => _stateWritesSeen.GetValueOrDefault(grainKey);

    /// <summary>The next <paramref name="count"/> state writes of the grain keyed <paramref name="grainKey"/> fail; nothing is written.</summary>
    public void FailStateWrites(string grainKey, int count = 1) => _stateWrites[grainKey] = count;

    /// <summary>
    /// The next state write of the grain keyed <paramref name="grainKey"/> waits until the returned gate is opened, and then
    /// goes on as it would have (failing if a failure is armed). <see cref="WriteGate.Reached"/> tells when it waits.
    /// </summary>
    public WriteGate HoldStateWrite(string grainKey) => _holds[grainKey] = new WriteGate();

    /// <summary>The next deletion of the state of the grain keyed <paramref name="grainKey"/> fails; nothing is deleted.</summary>
    public void FailStateClear(string grainKey) => _stateClears[grainKey] = 1;

    /// <summary>The next <paramref name="count"/> checkpoints of item <paramref name="itemId"/> fail; nothing is written.</summary>
    public void FailItemCheckpoints(string itemId, int count = 1) => _checkpoints[new RowOwner("item", itemId)] = count;

    private (string Prefix, double Probability, Random Random)? _randomCheckpoints;
    private int _failedCheckpoints;

    /// <summary>How many checkpoints an armed fault has failed so far.</summary>
    public int FailedCheckpoints => Volatile.Read(ref _failedCheckpoints);

    /// <summary>Fails each checkpoint of an item whose id starts with <paramref name="prefix"/> with the given probability.</summary>
    public void FailItemCheckpointsRandomly(string prefix, double probability, int seed) => _randomCheckpoints = (prefix, probability, new Random(seed));

    public void StopFailingRandomly() => _randomCheckpoints = null;

    private bool RandomCheckpointFailure(RowOwner owner)
    {
        if (_randomCheckpoints is not { } armed || owner.Kind != "item" || !owner.Key.StartsWith(armed.Prefix, StringComparison.Ordinal)) return false;
        lock (armed.Random)
        {
            if (armed.Random.NextDouble() >= armed.Probability) return false;
        }
        Interlocked.Increment(ref _failedCheckpoints);
        return true;
    }

    /// <summary>Whether armed failures remain for the item (they are used up one checkpoint at a time).</summary>
    public bool ItemCheckpointFailuresLeft(string itemId) => _checkpoints.ContainsKey(new RowOwner("item", itemId));

    internal void Install(ISiloBuilder silo)
    {
        silo.Services.AddKeyedSingleton<IGrainStorage>(RecoStorage.State, (services, _) =>
            new FailingGrainStorage(MemoryGrainStorageFactory.Create(services, RecoStorage.State), this));
        silo.Services.AddSingleton<IAggregateRowStore>(services =>
            new FailingAggregateRowStore(ActivatorUtilities.CreateInstance<MemoryAggregateRowStore>(services), this));
    }

    private static bool Take<TKey>(ConcurrentDictionary<TKey, int> armed, TKey key) where TKey : notnull
    {
        while (armed.TryGetValue(key, out var left))
        {
            if (left <= 1 ? armed.TryRemove(KeyValuePair.Create(key, left)) : armed.TryUpdate(key, left - 1, left))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Quotes the grain, as a storage service's error can quote the row it failed on.</summary>
    private static InvalidOperationException StateFault(GrainId grainId) => new($"{Message} Grain: {grainId}.");

    private sealed class FailingGrainStorage(IGrainStorage inner, StorageFaults faults) : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            inner.ReadStateAsync(stateName, grainId, grainState);

        public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            var key = grainId.Key.ToString()!;
            if (faults._holds.TryRemove(key, out var gate))
            {
                await gate.Pass();
            }
            if (Take(faults._stateWrites, key))
            {
                throw StateFault(grainId);
            }
            faults._stateWritesSeen.AddOrUpdate(key, 1, (_, count) => count + 1);
            await inner.WriteStateAsync(stateName, grainId, grainState);
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            Take(faults._stateClears, grainId.Key.ToString()!)
                ? Task.FromException(StateFault(grainId))
                : inner.ClearStateAsync(stateName, grainId, grainState);
    }

    private sealed class FailingAggregateRowStore(IAggregateRowStore inner, StorageFaults faults) : IAggregateRowStore
    {
        public int MaxRowBytes => inner.MaxRowBytes;

        public double CheckpointPhase(RowOwner owner) => inner.CheckpointPhase(owner);

        public Task<OwnerRows> ReadAsync(RowOwner owner, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(owner, cancellationToken);

        public Task<string> CommitAsync(RowOwner owner, RowCommit commit, CancellationToken cancellationToken = default) =>
            Take(faults._checkpoints, owner) || faults.RandomCheckpointFailure(owner)
                ? Task.FromException<string>(new InvalidOperationException(Message))
                : inner.CommitAsync(owner, commit, cancellationToken);
    }
}

/// <summary>A held storage operation: it signals when it reaches the gate and waits there until the gate opens.</summary>
public sealed class WriteGate
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the held write is waiting at the gate.</summary>
    public Task Reached => _reached.Task;

    public void Open() => _open.TrySetResult();

    internal Task Pass()
    {
        _reached.TrySetResult();
        return _open.Task;
    }
}
