using System.Net;
using OrleansReco.Gateway.Contracts;
using OrleansReco.Grains.Interfaces;
using Xunit;

namespace OrleansReco.GatewayTests;

/// <summary>
/// A storefront request waits for the cluster at most <c>Reco:Storefront:RequestTimeout</c>, then answers 503: what a
/// shopper sees when their grain's silo crashed with the request inside. The shopper's write is held in storage here, so
/// the request outlasts any timeout; the write lands after the 503, and the event sent again with its id counts once.
/// The retry goes through the collection's gateway (the default timeout), as a shopper's retry may reach another
/// gateway: through the 0.2 s one it would itself be timed against the machine's load, not the held write.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class StorefrontTimeoutTests(GatewayFixture fixture)
{
    [Fact]
    public async Task An_event_whose_write_outlasts_the_timeout_answers_503_and_sent_again_counts_once()
    {
        var configuration = GatewayHost.DefaultConfiguration();
        configuration["Reco:Storefront:RequestTimeout"] = "00:00:00.2";
        await using var gateway = await GatewayHost.StartAsync(fixture.Grains, configuration);
        var storefront = gateway.CreateClient(GatewayHost.StorefrontKey);
        var (user, item) = (Http.Unique("user"), Http.Unique("item"));
        var pseudonym = gateway.Pseudonymizer.Pseudonymize(user);
        var write = fixture.StorageFaults.HoldStateWrite(pseudonym);
        var body = Http.Event(user, item, "cart", eventId: "e-1");

        var timedOut = await storefront.PostEvents(body);
        await timedOut.AssertProblem(HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(timedOut.Headers.RetryAfter);

        await write.Reached;
        write.Open();
        var retry = fixture.Gateway.CreateClient(GatewayHost.StorefrontKey);
        await (await retry.PostEvents(body)).AssertOk<EventsAccepted>(HttpStatusCode.Accepted);
        var export = await fixture.Grains.GetGrain<IUserGrain>(pseudonym).Export();
        Assert.Equal(1, Assert.Single(export!.History).Carts);
    }
}
