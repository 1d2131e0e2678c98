using OrleansReco.Grains.Interfaces;
using Xunit;

namespace OrleansReco.ClusterTests;

[Collection(ClusterCollection.Name)]
public sealed class AggregateConsistencyTests(RecoClusterFixture fixture)
{
    private readonly Storefront _shop = new(fixture.Client);

    [Fact]
    public async Task Item_counts_equal_a_recount_over_current_histories_across_silos_and_evictions()
    {
        var random = new Random(7);
        var users = Enumerable.Range(0, 20).Select(u => $"u{u}").ToList();
        var items = Enumerable.Range(0, 15).Select(i => $"i{i}").ToList();
        // Concurrent users, each one's events in order; histories overflow the limit, so pairs are retracted too.
        await Task.WhenAll(users.Select(async user =>
        {
            var plan = Enumerable.Range(0, 14).Select(_ => (Type: (EventType)random.Next(3), Item: items[random.Next(items.Count)])).ToList();
            foreach (var (type, item) in plan) await _shop.Do(user, type, item);
        }));

        var histories = new List<HashSet<string>>();
        foreach (var user in users)
        {
            var context = await _shop.UserGrain(user).GetContext();
            Assert.InRange(context.History.Count, 1, RecoClusterFixture.HistoryLimit);
            histories.Add(context.History.Select(h => h.ItemId).ToHashSet());
        }
        Assert.Contains(histories, h => h.Count == RecoClusterFixture.HistoryLimit);

        foreach (var item in items.Select(_shop.Item))
        {
            var counts = await fixture.Client.GetGrain<IItemGrain>(item).GetCounts();
            Assert.Equal(histories.Count(h => h.Contains(item)), counts.Occurrence);
            foreach (var other in items.Select(_shop.Item).Where(o => o != item))
            {
                var expected = histories.Count(h => h.Contains(item) && h.Contains(other));
                Assert.Equal(expected, counts.CoOccurrence.GetValueOrDefault(other));
            }
        }
    }

    [Fact]
    public async Task A_redelivered_contribution_is_applied_once()
    {
        var item = _shop.ItemGrain("redelivered");
        var contribution = new ItemContribution(
            Guid.NewGuid(), 1, [new CoItemDelta(_shop.Item("other"), 1)], [new PopularityDelta(20_000, 3000)]);

        await item.Apply(contribution);
        await item.Apply(contribution);

        var counts = await item.GetCounts();
        Assert.Equal(1, counts.Occurrence);
        Assert.Equal(1, counts.CoOccurrence[_shop.Item("other")]);
        Assert.Equal(3000, counts.PopularityMilliWeights[20_000]);
    }

    [Fact]
    public async Task A_late_index_report_never_overwrites_a_newer_one()
    {
        var shard = fixture.Client.GetGrain<IItemIndexShardGrain>(1000);
        var id = _shop.Item("versioned");

        await shard.Report(new ItemStats(id, 5, 9, 1.0, 1, null, true));
        await shard.Report(new ItemStats(id, 4, 2, 1.0, 1, null, true));

        Assert.Equal(9, Assert.Single(await shard.Lookup([id])).Occurrence);
    }

    [Fact]
    public async Task State_survives_deactivation_of_every_grain_involved()
    {
        foreach (var user in new[] { "u1", "u2", "u3" }) await _shop.Do(user, EventType.Cart, "p", "q");
        var before = await _shop.ItemGrain("p").GetNeighbours(5);

        foreach (var grain in new IAddressable[] { _shop.ItemGrain("p"), _shop.ItemGrain("q"), _shop.UserGrain("u1") })
        {
            await fixture.Cluster.DeactivateAsync(grain);
        }

        Assert.Equal(before, await _shop.ItemGrain("p").GetNeighbours(5));
        Assert.Equal(2, (await _shop.UserGrain("u1").GetContext()).History.Count);
    }
}
