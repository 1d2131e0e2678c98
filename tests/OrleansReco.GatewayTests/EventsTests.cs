using System.Net;
using OrleansReco.Gateway.Contracts;
using OrleansReco.Grains.Interfaces;
using Xunit;

namespace OrleansReco.GatewayTests;

[Collection(GatewayCollection.Name)]
public sealed class EventsTests(GatewayFixture fixture)
{
    private readonly HttpClient storefront = fixture.Gateway.CreateClient(GatewayHost.StorefrontKey);

    private Task<UserContext> ContextOf(string rawUserId) =>
        fixture.Grains.GetGrain<IUserGrain>(fixture.Gateway.Pseudonymizer.Pseudonymize(rawUserId)).GetContext();

    [Fact]
    public async Task A_single_event_is_accepted_and_recorded_under_the_pseudonym()
    {
        var user = Http.Unique("user");
        var item = Http.Unique("item");

        var accepted = await (await storefront.PostEvents(Http.Event(user, item, "purchase"))).AssertOk<EventsAccepted>(HttpStatusCode.Accepted);

        Assert.Equal(1, accepted.Accepted);
        var history = (await ContextOf(user)).History;
        Assert.Equal(item, Assert.Single(history).ItemId);
        Assert.True(history[0].Purchased);
    }

    [Fact]
    public async Task The_raw_user_id_is_never_a_grain_key()
    {
        var user = Http.Unique("user");
        await (await storefront.PostEvents(Http.Event(user, Http.Unique("item")))).AssertOk<EventsAccepted>(HttpStatusCode.Accepted);

        var pseudonym = fixture.Gateway.Pseudonymizer.Pseudonymize(user);
        Assert.Matches("^[0-9a-f]{64}$", pseudonym);
        Assert.NotEmpty((await fixture.Grains.GetGrain<IUserGrain>(pseudonym).GetContext()).History);
        Assert.Empty((await fixture.Grains.GetGrain<IUserGrain>(user).GetContext()).History);
    }

    [Fact]
    public async Task A_batch_for_several_users_is_recorded_per_user()
    {
        var (alice, bob) = (Http.Unique("alice"), Http.Unique("bob"));
        var (shoe, sock, hat) = (Http.Unique("shoe"), Http.Unique("sock"), Http.Unique("hat"));
        var now = DateTimeOffset.UtcNow;
        var body = Http.Batch(
            Http.Event(alice, shoe, "view", now.AddMinutes(-3).ToString("O")),
            Http.Event(bob, hat, "VIEW"),
            Http.Event(alice, sock, "Cart", now.AddMinutes(-2).ToString("O")),
            Http.Event(alice, shoe, "purchase", now.AddMinutes(-1).ToString("O")));

        var accepted = await (await storefront.PostEvents(body)).AssertOk<EventsAccepted>(HttpStatusCode.Accepted);

        Assert.Equal(4, accepted.Accepted);
        var aliceHistory = (await ContextOf(alice)).History;
        // Highest affinity first: shoe (view + purchase) outweighs sock (cart).
        Assert.Equal([shoe, sock], aliceHistory.Select(h => h.ItemId));
        Assert.True(aliceHistory.Single(h => h.ItemId == shoe).Purchased);
        Assert.Equal(hat, Assert.Single((await ContextOf(bob)).History).ItemId);
    }

    [Fact]
    public async Task A_retried_batch_with_event_ids_is_acknowledged_again_and_recorded_once()
    {
        var (alice, bob) = (Http.Unique("alice"), Http.Unique("bob"));
        var item = Http.Unique("item");
        // One id for both shoppers: ids are unique per shopper, so these are two events.
        var body = Http.Batch(Http.Event(alice, item, "cart", eventId: "e-1"), Http.Event(bob, item, "cart", eventId: "e-1"));

        await (await storefront.PostEvents(body)).AssertOk<EventsAccepted>(HttpStatusCode.Accepted);
        var retry = await (await storefront.PostEvents(body)).AssertOk<EventsAccepted>(HttpStatusCode.Accepted);

        Assert.Equal(2, retry.Accepted);
        foreach (var user in new[] { alice, bob })
        {
            var export = await fixture.Grains.GetGrain<IUserGrain>(fixture.Gateway.Pseudonymizer.Pseudonymize(user)).Export();
            Assert.Equal(1, Assert.Single(export!.History).Carts);
        }
    }

    [Fact]
    public async Task A_timestamp_slightly_in_the_future_is_accepted()
    {
        var user = Http.Unique("user");
        var soon = DateTimeOffset.UtcNow.AddMinutes(1).ToString("O");
        await (await storefront.PostEvents(Http.Event(user, Http.Unique("item"), "view", soon))).AssertOk<EventsAccepted>(HttpStatusCode.Accepted);
        Assert.Single((await ContextOf(user)).History);
    }
}
