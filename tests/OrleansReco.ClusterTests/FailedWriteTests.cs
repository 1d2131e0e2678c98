using OrleansReco.Grains.Interfaces;
using OrleansReco.Testing;
using Xunit;

namespace OrleansReco.ClusterTests;

/// <summary>
/// A shopper's activation whose state write failed is on its way out: what waited for its turn hears so (and can be
/// sent again), and nothing it holds in memory is written after the failure.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FailedWriteTests(RecoClusterFixture fixture)
{
    private readonly Storefront _shop = new(fixture.Client);

    [Fact]
    public async Task A_batch_sent_while_a_write_fails_is_answered_and_can_be_sent_again()
    {
        var user = _shop.UserGrain("gus");
        var gate = fixture.StorageFaults.HoldStateWrite(_shop.User("gus"));
        fixture.StorageFaults.FailStateWrites(_shop.User("gus"));
        var first = user.Record(_shop.Batch("g1", ("lamp", EventType.View)));
        await gate.Reached;

        // Sent while the first batch's write is under way: it waits for its turn, which the failure never gives.
        var second = user.Record(_shop.Batch("g2", ("rug", EventType.View)));
        gate.Open();

        await Assert.ThrowsAnyAsync<Exception>(() => first);
        var secondFailure = await Record.ExceptionAsync(() => second);
        // Refused as one to send again, or taken by the next activation; not left waiting for the call's timeout.
        Assert.True(secondFailure is null or TransientFailureException, $"the waiting batch ended with {secondFailure?.GetType().Name}");

        await user.Record(_shop.Batch("g1", ("lamp", EventType.View)));
        await user.Record(_shop.Batch("g2", ("rug", EventType.View)));
        var history = (await user.Export())!.History;
        Assert.Equal(1, history.Single(h => h.ItemId == _shop.Item("lamp")).Views);
        Assert.Equal(1, history.Single(h => h.ItemId == _shop.Item("rug")).Views);
    }

    [Fact]
    public async Task An_erasure_that_failed_after_destroying_the_key_leaves_nothing_readable()
    {
        var user = _shop.UserGrain("hal");
        await user.SetProfile(new Dictionary<string, string> { ["city"] = "Ghent" });
        await _shop.Do("hal", EventType.View, "lamp", "rug");
        fixture.StorageFaults.FailStateClear(_shop.User("hal"));

        await Assert.ThrowsAsync<TransientFailureException>(() => user.Erase(new ErasureRequest(Guid.NewGuid(), "s", "h")));
        // The activation ends; had it written its state on the way out, it would have sealed the profile under a new key.
        await fixture.Cluster.DeactivateAsync(user);

        Assert.Null(await user.Export());
        Assert.Equal(0, (await user.Erase(new ErasureRequest(Guid.NewGuid(), "s", "h"))).HistoryItemsRetracted);
        Assert.Equal(0, (await _shop.ItemGrain("lamp").GetCounts()).Occurrence);
    }
}
