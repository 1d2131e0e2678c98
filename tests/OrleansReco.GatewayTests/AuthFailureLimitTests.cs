using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using OrleansReco.Gateway.RateLimiting;
using OrleansReco.Grains.Interfaces;
using Xunit;

namespace OrleansReco.GatewayTests;

/// <summary>
/// 401 and 403 answers spend a per-address budget (<c>Reco:RateLimits:AuthFailureLimit</c>); a spent address is
/// answered 429 before any key is checked. Each test starts its own gateway with a small budget and a window of an
/// hour, so nothing refills while it runs.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class AuthFailureLimitTests(GatewayFixture fixture)
{
    private const int Budget = 3;
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private async Task<GatewayHost> GatewayWithBudget()
    {
        var configuration = GatewayHost.DefaultConfiguration();
        configuration["Reco:RateLimits:AuthFailureLimit"] = Budget.ToString();
        configuration["Reco:RateLimits:AuthFailureWindow"] = Window.ToString();
        return await GatewayHost.StartAsync(fixture.Grains, configuration);
    }

    private static async Task SpendBudget(GatewayHost gateway)
    {
        for (var i = 0; i < Budget; i++)
        {
            await (await gateway.CreateClient("wrong-key-" + i).GetAsync("/v1/items/popular")).AssertProblem(HttpStatusCode.Unauthorized);
        }
    }

    private static async Task AssertThrottled(HttpResponseMessage response)
    {
        await response.AssertProblem(HttpStatusCode.TooManyRequests);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), Window);
    }

    [Fact]
    public async Task A_burst_of_wrong_keys_is_answered_429_with_Retry_After()
    {
        await using var gateway = await GatewayWithBudget();
        await SpendBudget(gateway);

        await AssertThrottled(await gateway.CreateClient("yet-another-wrong-key").GetAsync("/v1/items/popular"));
        await AssertThrottled(await gateway.CreateClient(null).GetAsync("/v1/items/popular"));
    }

    [Fact]
    public async Task Once_throttled_an_address_is_refused_even_with_a_valid_key_and_nothing_is_recorded()
    {
        await using var gateway = await GatewayWithBudget();
        await SpendBudget(gateway);
        var user = Http.Unique("user");

        await AssertThrottled(await gateway.CreateClient(GatewayHost.StorefrontKey).PostEvents(Http.Event(user, "item")));

        var context = await fixture.Grains.GetGrain<IUserGrain>(gateway.Pseudonymizer.Pseudonymize(user)).GetContext();
        Assert.Empty(context.History);
        // Endpoints that take no key stay open: there is nothing to guess there.
        Assert.Equal(HttpStatusCode.OK, (await gateway.CreateClient(null).GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task Wrong_roles_spend_the_budget_too()
    {
        await using var gateway = await GatewayWithBudget();
        var catalog = gateway.CreateClient(GatewayHost.CatalogKey);
        for (var i = 0; i < Budget; i++)
        {
            await (await catalog.GetAsync("/v1/items/popular")).AssertProblem(HttpStatusCode.Forbidden);
        }

        // Even the catalog key's own endpoint is refused now, and the item is not written.
        var item = Http.Unique("item");
        await AssertThrottled(await catalog.PutAsJsonAsync($"/v1/items/{item}", new { title = "t" }));
        Assert.Null(await fixture.Grains.GetGrain<IItemGrain>(item).GetDetails());
    }

    [Fact]
    public async Task Requests_that_pass_authorisation_spend_nothing()
    {
        await using var gateway = await GatewayWithBudget();
        var storefront = gateway.CreateClient(GatewayHost.StorefrontKey);
        // Refused by validation (400), not by authentication: they cost a key's tokens, not the address's failures.
        for (var i = 0; i < Budget * 3; i++)
        {
            await (await storefront.GetAsync("/v1/items/popular?count=0")).AssertProblem(HttpStatusCode.BadRequest);
        }

        await SpendBudget(gateway);
        await AssertThrottled(await storefront.GetAsync("/v1/items/popular?count=0"));
    }

    [Fact]
    public async Task Another_address_keeps_its_own_budget()
    {
        await using var gateway = await GatewayWithBudget();
        await SpendBudget(gateway);

        // Linux routes all of 127.0.0.0/8 to loopback, so a second client address needs no network.
        var other = IPAddress.Parse("127.0.0.2");
        await (await ClientFrom(gateway, other, "wrong-key").GetAsync("/v1/items/popular")).AssertProblem(HttpStatusCode.Unauthorized);
        await (await ClientFrom(gateway, other, GatewayHost.StorefrontKey).GetAsync("/v1/items/popular?count=0")).AssertProblem(HttpStatusCode.BadRequest);
        await AssertThrottled(await gateway.CreateClient(GatewayHost.StorefrontKey).GetAsync("/v1/items/popular?count=0"));
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7", true)]
    [InlineData("203.0.113.7", "::ffff:203.0.113.7", true)]
    [InlineData("203.0.113.7", "203.0.113.8", false)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", true)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", false)]
    public void Clients_share_a_budget_by_IPv4_address_or_IPv6_64(string first, string second, bool shared)
    {
        static string Partition(string address) =>
            AuthFailureLimiter.ClientAddress(new DefaultHttpContext { Connection = { RemoteIpAddress = IPAddress.Parse(address) } });

        Assert.Equal(shared, Partition(first) == Partition(second));
    }

    private static HttpClient ClientFrom(GatewayHost gateway, IPAddress source, string apiKey)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var client = new HttpClient(handler) { BaseAddress = gateway.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }
}
