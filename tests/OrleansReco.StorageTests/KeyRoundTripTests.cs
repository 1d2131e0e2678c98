using Orleans.Runtime;
using OrleansReco.Testing;

namespace OrleansReco.StorageTests;

[Collection(AzuriteCollection.Name)]
public sealed class KeyRoundTripTests(AzuriteServer azurite) : IDisposable
{
    private readonly StorageHarness _harness = StorageHarness.Create(azurite, tableName: "HostileKeysState");

    [Fact]
    public async Task Grains_with_hostile_ids_round_trip_and_never_share_a_row()
    {
        // A fresh grain type per run keeps this independent of other runs against the same table.
        var type = "hostile" + Guid.NewGuid().ToString("N");
        var ids = KeyCases.GrainKeys.Select(k => GrainId.Create(type, k))
            .Concat(KeyCases.RawByteIds.Select(id => GrainId.Create(GrainType.Create(type), id.Key)))
            .ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());

        // Inserts (no ETag): a shared row would make the second insert fail with a conflict.
        for (var i = 0; i < ids.Count; i++)
        {
            await _harness.WriteAsync(ids[i], new TestState { Counter = i });
        }

        for (var i = 0; i < ids.Count; i++)
        {
            var read = await _harness.ReadAsync(ids[i]);
            Assert.True(read.RecordExists, $"case {i}");
            Assert.Equal(i, read.State.Counter);
        }
    }

    [Fact]
    public async Task Hostile_state_names_round_trip()
    {
        var grain = StorageHarness.NewGrainId();
        var names = KeyCases.Keys.Where(k => k.Length > 0).Distinct().ToList();

        for (var i = 0; i < names.Count; i++)
        {
            await _harness.WriteAsync(grain, new TestState { Counter = i }, stateName: names[i]);
        }

        for (var i = 0; i < names.Count; i++)
        {
            Assert.Equal(i, (await _harness.ReadAsync(grain, names[i])).State.Counter);
        }
    }

    public void Dispose() => _harness.Dispose();
}
