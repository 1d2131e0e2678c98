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

    /// <summary>
    /// The same under trouble: a fifth of the deliveries fail (half never applied, half applied with the reply lost), a
    /// tenth of the item checkpoints fail (the item drops what it took since its last one), and item and user grains
    /// are deactivated while events flow. Once the faults stop and every user's deliveries are done, every count is a
    /// recount: nothing acknowledged was lost, nothing applied twice.
    /// </summary>
    [Fact]
    public async Task Item_counts_equal_a_recount_after_failed_deliveries_lost_replies_failed_checkpoints_and_reactivations()
    {
        var random = new Random(13);
        var users = Enumerable.Range(0, 16).Select(u => $"t{u}").ToList();
        var items = Enumerable.Range(0, 12).Select(i => $"t{i}").ToList();
        var (faultsBefore, checkpointFailuresBefore) = (fixture.Faults.Injected, fixture.StorageFaults.FailedCheckpoints);
        fixture.Faults.ArmRandomly(_shop.Item(""), probability: 0.2, seed: 17);
        fixture.StorageFaults.FailItemCheckpointsRandomly(_shop.Item(""), probability: 0.1, seed: 19);
        try
        {
            var plans = users.ToDictionary(u => u, _ => Enumerable.Range(0, 12).Select(_ => (Type: (EventType)random.Next(3), Item: items[random.Next(items.Count)])).ToList());
            var traffic = Task.WhenAll(users.Select(async user =>
            {
                foreach (var (type, item) in plans[user]) await _shop.Record(user, type, item);
            }));
            // Grains come and go while the traffic and its deliveries run.
            for (var round = 0; round < 6 && !traffic.IsCompleted; round++)
            {
                await fixture.Cluster.DeactivateAsync(_shop.ItemGrain(items[random.Next(items.Count)]));
                await fixture.Cluster.DeactivateAsync(_shop.UserGrain(users[random.Next(users.Count)]));
            }
            await traffic;
        }
        finally
        {
            fixture.Faults.DisarmRandomly();
            fixture.StorageFaults.StopFailingRandomly();
        }
        await Task.WhenAll(users.Select(u => _shop.UserGrain(u).WaitForDeliveries()));
        Assert.True(fixture.Faults.Injected > faultsBefore, "no delivery failed: the test saw no trouble");
        Assert.True(fixture.StorageFaults.FailedCheckpoints > checkpointFailuresBefore, "no checkpoint failed: the test saw no trouble");

        var histories = new List<HashSet<string>>();
        foreach (var user in users)
        {
            histories.Add((await _shop.UserGrain(user).GetContext()).History.Select(h => h.ItemId).ToHashSet());
        }
        foreach (var item in items.Select(_shop.Item))
        {
            var counts = await fixture.Client.GetGrain<IItemGrain>(item).GetCounts();
            Assert.Equal(histories.Count(h => h.Contains(item)), counts.Occurrence);
            foreach (var other in items.Select(_shop.Item).Where(o => o != item))
            {
                Assert.Equal(histories.Count(h => h.Contains(item) && h.Contains(other)), counts.CoOccurrence.GetValueOrDefault(other));
            }
        }
    }

    [Fact]
    public async Task Batches_of_one_shopper_sent_at_once_are_written_together_and_all_recorded()
    {
        var items = Enumerable.Range(0, 20).Select(i => $"burst-{i}").ToArray();
        var writesBefore = fixture.StorageFaults.StateWrites(_shop.User("burst"));

        // A shopper clicking fast: every batch is in flight before the first is answered.
        await Task.WhenAll(items.Select(item => _shop.Record("burst", EventType.View, item)));

        var writes = fixture.StorageFaults.StateWrites(_shop.User("burst")) - writesBefore;
        Assert.InRange(writes, 1, items.Length / 2); // group commit: batches that waited went together
        await _shop.UserGrain("burst").WaitForDeliveries();
        var held = (await _shop.UserGrain("burst").GetContext()).History.Select(h => h.ItemId).ToList();
        Assert.Equal(RecoClusterFixture.HistoryLimit, held.Count); // twenty items recorded, the limit kept
        foreach (var item in items.Select(_shop.Item))
        {
            Assert.Equal(held.Contains(item) ? 1 : 0, (await fixture.Client.GetGrain<IItemGrain>(item).GetCounts()).Occurrence);
        }
    }

    [Fact]
    public async Task A_redelivered_contribution_is_applied_once()
    {
        var item = _shop.ItemGrain("redelivered");
        var contribution = new ItemContribution(
            Guid.NewGuid(), 1, new Dictionary<string, int> { [_shop.Item("other")] = 1 }, [new PopularityDelta(20_000, 3000)]);

        await item.Apply([contribution], []);
        await item.Apply([contribution], []);

        var counts = await item.GetCounts();
        Assert.Equal(1, counts.Occurrence);
        Assert.Equal(1, counts.CoOccurrence[_shop.Item("other")]);
        Assert.Equal(3000, counts.PopularityMilliWeights[20_000]);
    }

    [Fact]
    public async Task A_batch_applies_each_new_contribution_once_and_skips_redeliveries()
    {
        var item = _shop.ItemGrain("batched");
        var other = _shop.Item("other");
        ItemContribution Adding(int coItems) => new(Guid.NewGuid(), 1, new Dictionary<string, int> { [other] = coItems }, [new PopularityDelta(20_000, 1000)]);
        var first = Adding(1);
        var second = Adding(2);

        await item.Apply([first], []);
        // The second twice in one batch, and the first again (its sender did not hear back).
        await item.Apply([second, first, second], []);

        var counts = await item.GetCounts();
        Assert.Equal(2, counts.Occurrence);
        Assert.Equal(3, counts.CoOccurrence[other]);
        Assert.Equal(2000, counts.PopularityMilliWeights[20_000]);
    }

    [Fact]
    public async Task A_late_index_report_never_overwrites_a_newer_one()
    {
        var shard = fixture.Client.GetGrain<IItemIndexShardGrain>(1000);
        var id = _shop.Item("versioned");

        var other = _shop.Item("versioned-in-one-batch");

        await shard.Report([new ItemStats(id, 5, 9, 1.0, 1, null, true)]);
        await shard.Report([new ItemStats(id, 4, 2, 1.0, 1, null, true)]);
        await shard.Report([new ItemStats(other, 7, 3, 1.0, 1, null, true), new ItemStats(other, 6, 1, 1.0, 1, null, true)]);

        Assert.Equal(9, Assert.Single((await shard.Lookup([id])).Found).Occurrence);
        Assert.Equal(3, Assert.Single((await shard.Lookup([other])).Found).Occurrence);
    }

    [Fact]
    public async Task An_item_written_as_snapshots_and_changes_reads_back_exactly()
    {
        var grain = _shop.ItemGrain("snapshotted");
        var random = new Random(11);
        // Enough changes over enough co-items that snapshots are written between head rows; some counts go back to 0.
        for (var delivery = 0; delivery < 60; delivery++)
        {
            var coItems = Enumerable.Range(0, 12)
                .Select(_ => random.Next(150))
                .Distinct()
                .ToDictionary(i => _shop.Item($"co{i}"), _ => delivery % 5 == 4 ? -1 : 1);
            var receipt = await grain.Apply([new ItemContribution(Guid.NewGuid(), 1, coItems, [new PopularityDelta(20_000 + delivery % 3, 1000)])], []);
            await grain.WaitDurable(receipt, urgent: false);
        }
        var before = await grain.GetCounts();
        Assert.Contains(before.CoOccurrence.Values, count => count > 1);

        await fixture.Cluster.DeactivateAsync(grain);
        var after = await grain.GetCounts();

        Assert.Equal(before.Occurrence, after.Occurrence);
        Assert.Equal(before.CoOccurrence.OrderBy(kv => kv.Key), after.CoOccurrence.OrderBy(kv => kv.Key));
        Assert.Equal(before.PopularityMilliWeights.OrderBy(kv => kv.Key), after.PopularityMilliWeights.OrderBy(kv => kv.Key));
    }

    [Fact]
    public async Task An_index_shard_written_as_snapshots_and_changes_reads_back_exactly()
    {
        var shard = fixture.Client.GetGrain<IItemIndexShardGrain>(1001);
        var ids = Enumerable.Range(0, 100).Select(i => _shop.Item($"indexed{i}")).ToList();
        for (var round = 1; round <= 3; round++)
        {
            foreach (var id in ids) await shard.Report([new ItemStats(id, round, round * 10 + id.Length % 7, round, round, null, true)]);
        }
        var before = await shard.Lookup(ids);

        await fixture.Cluster.DeactivateAsync(shard);
        var after = await shard.Lookup(ids);

        Assert.Equal(before.Found, after.Found);
        Assert.All(before.Found, stats => Assert.Equal(3, stats.Version));
        // Same contents, but a new activation: its versions are never mistaken for the old one's.
        Assert.NotEqual(before.Version, after.Version);
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
