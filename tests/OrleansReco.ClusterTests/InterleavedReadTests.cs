using OrleansReco.Grains.Interfaces;
using OrleansReco.Testing;
using Xunit;

namespace OrleansReco.ClusterTests;

/// <summary>
/// <see cref="IUserGrain.GetContext"/> and <see cref="IUserGrain.GetTrainingHistory"/> answer while a write of the
/// shopper is under way (an event batch's, as <see cref="IUserGrain.Record"/> interleaves; or a call's that holds the
/// shopper's turn, as the reads interleave), so a recommendation never waits behind one; they must still serve only
/// what storage holds. Each test holds the write at the storage gate and reads while it waits there.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class InterleavedReadTests(RecoClusterFixture fixture)
{
    private readonly Storefront _shop = new(fixture.Client);

    [Fact]
    public async Task Reads_during_a_write_that_fails_never_see_its_events()
    {
        var user = _shop.UserGrain("ivy");
        await Stored("ivy", "lamp");
        var gate = fixture.StorageFaults.HoldStateWrite(_shop.User("ivy"));
        fixture.StorageFaults.FailStateWrites(_shop.User("ivy"));
        var write = user.Record(_shop.Batch(null, ("rug", EventType.Purchase)));
        await gate.Reached;

        try
        {
            // Answered while the write waits at the gate, from the stored history only.
            await AssertHistory(user, "lamp");
        }
        finally
        {
            gate.Open();
        }

        await Assert.ThrowsAnyAsync<Exception>(() => write);
        // Whether the failed activation answers or the next one does: the event was never stored.
        await AssertHistory(user, "lamp");
    }

    [Fact]
    public async Task Reads_see_an_event_once_its_write_succeeded_and_not_before()
    {
        var user = _shop.UserGrain("jon");
        await Stored("jon", "lamp");
        var gate = fixture.StorageFaults.HoldStateWrite(_shop.User("jon"));
        var write = user.Record(_shop.Batch(null, ("rug", EventType.Purchase)));
        await gate.Reached;

        try
        {
            await AssertHistory(user, "lamp");
        }
        finally
        {
            gate.Open();
        }

        await write;
        // Acknowledged means stored: the shopper's very next recommendation and training run use the event.
        await AssertHistory(user, "lamp", "rug");
    }

    [Fact]
    public async Task Reads_answer_during_a_consent_withdrawal_that_fails_with_the_stored_history()
    {
        var user = _shop.UserGrain("kit");
        await Stored("kit", "lamp");
        var gate = fixture.StorageFaults.HoldStateWrite(_shop.User("kit"));
        fixture.StorageFaults.FailStateWrites(_shop.User("kit"));
        var withdrawal = user.SetConsent(false);
        await gate.Reached;

        try
        {
            // The withdrawal holds the shopper's turn (it does not interleave); the reads do, so a recommendation does
            // not wait behind it. Until it is stored, consent and history are what storage holds.
            Assert.True((await user.GetContext()).Personalization);
            await AssertHistory(user, "lamp");
        }
        finally
        {
            gate.Open();
        }

        await Assert.ThrowsAnyAsync<Exception>(() => withdrawal);
        await AssertHistory(user, "lamp");
    }

    /// <summary>
    /// Records a view of <paramref name="item"/> and leaves no write of the shopper's own to come: the profile write
    /// drops the delivered change from the outbox, which would otherwise be written on its own and could take the gate.
    /// </summary>
    private async Task Stored(string name, string item)
    {
        await _shop.Do(name, EventType.View, item);
        await _shop.UserGrain(name).SetProfile(new Dictionary<string, string>());
    }

    private async Task AssertHistory(IUserGrain user, params string[] items)
    {
        var expected = items.Select(_shop.Item).Order(StringComparer.Ordinal).ToList();
        var context = await user.GetContext();
        Assert.Equal(expected, context.History.Select(h => h.ItemId).Order(StringComparer.Ordinal).ToList());
        var training = await user.GetTrainingHistory();
        Assert.Equal(expected, training.Select(h => h.ItemId).Order(StringComparer.Ordinal).ToList());
    }
}
