using System.Net;
using OrleansReco.Tools.Gateway;
using OrleansReco.Tools.Synthetic;

namespace OrleansReco.ToolsTests;

public sealed class GatewayClientTests : IAsyncLifetime
{
    private ScriptedGateway _gateway = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _gateway = await ScriptedGateway.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _gateway.DisposeAsync();
    }

    private GatewayClient Client(GatewayKeys? keys = null) =>
        new(_http, _gateway.BaseAddress, keys ?? new GatewayKeys(), TestEnvironment.FastRetry);

    private static readonly StorefrontEvent[] Batch =
    [
        new("user-1", "item-1", StorefrontEventType.View, new DateTimeOffset(2025, 1, 1, 10, 0, 0, TimeSpan.Zero)),
        new("user-1", "item-1", StorefrontEventType.Cart, new DateTimeOffset(2025, 1, 1, 10, 1, 0, TimeSpan.Zero)),
        new("user-2", "item-2", StorefrontEventType.Purchase, new DateTimeOffset(2025, 1, 1, 10, 2, 0, TimeSpan.Zero)),
    ];

    [Fact]
    public async Task Posts_events_in_the_wire_format_with_the_storefront_key()
    {
        await Client(new GatewayKeys("sf-key", "cat-key")).PostEventsAsync(Batch, CancellationToken.None);

        Assert.Equal(
        [
            new WireEvent("user-1", "item-1", "view", Batch[0].Timestamp),
            new WireEvent("user-1", "item-1", "cart", Batch[1].Timestamp),
            new WireEvent("user-2", "item-2", "purchase", Batch[2].Timestamp),
        ], _gateway.Events.Select(e => e with { EventId = null }));
        Assert.Equal(["sf-key"], _gateway.EventApiKeys);
    }

    [Fact]
    public async Task Every_event_carries_its_own_id_across_batches_and_clients()
    {
        await Client().PostEventsAsync(Batch, CancellationToken.None);
        await Client().PostEventsAsync(Batch, CancellationToken.None);
        var client = Client();
        await client.PostEventsAsync(Batch, CancellationToken.None);
        await client.PostEventsAsync(Batch, CancellationToken.None);

        var ids = _gateway.Events.Select(e => e.EventId).ToList();
        Assert.Equal(12, ids.Count);
        Assert.All(ids, id => Assert.InRange(id!.Length, 1, 128));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task A_batch_whose_answer_was_lost_is_sent_again_with_the_same_event_ids()
    {
        _gateway.AnswerLostFor = 1;
        var client = Client();

        await client.PostEventsAsync(Batch, CancellationToken.None);

        // The scripted gateway keeps both copies; the real one records the second as nothing new (GatewayTests).
        var received = _gateway.Events;
        Assert.Equal(2, _gateway.EventRequests);
        Assert.Equal(6, received.Count);
        Assert.Equal(received.Take(3), received.Skip(3));
        Assert.Equal(3, received.Select(e => e.EventId).Distinct().Count());
        Assert.Equal(1, client.Retries);
    }

    [Fact]
    public async Task Upserts_an_item_with_the_catalog_key_and_an_escaped_id()
    {
        var item = new CatalogItem("ODD ID+1", "Odd", "misc", ["a", "b"], 1.23m, false);

        await Client(new GatewayKeys("sf-key", "cat-key")).UpsertItemAsync(item, CancellationToken.None);

        var stored = Assert.Single(_gateway.Items);
        Assert.Equal("ODD ID+1", stored.Key);
        Assert.Equal(("Odd", "misc", 1.23m, false), (stored.Value.Title, stored.Value.Category, stored.Value.Price, stored.Value.Available));
        Assert.Equal(["a", "b"], stored.Value.Tags!);
        Assert.Equal(["cat-key"], _gateway.ItemApiKeys);
    }

    [Fact]
    public async Task A_429_is_retried_and_the_batch_lands_once()
    {
        _gateway.TooManyRequestsFor = 1;
        var client = Client();

        await client.PostEventsAsync(Batch, CancellationToken.None);

        Assert.Equal(2, _gateway.EventRequests);
        Assert.Equal(3, _gateway.Events.Count);
        Assert.Equal(1, client.Retries);
    }

    [Fact]
    public async Task Retries_are_bounded()
    {
        _gateway.TooManyRequestsFor = 100;

        var error = await Assert.ThrowsAsync<GatewayException>(() => Client().PostEventsAsync(Batch, CancellationToken.None));

        Assert.Equal(HttpStatusCode.TooManyRequests, error.Status);
        Assert.Equal(1 + TestEnvironment.FastRetry.MaxRetries, _gateway.EventRequests);
        Assert.Empty(_gateway.Events);
    }

    [Fact]
    public async Task A_client_error_fails_at_once_without_retrying()
    {
        _gateway.EventsStatus = HttpStatusCode.BadRequest;

        var error = await Assert.ThrowsAsync<GatewayException>(() => Client().PostEventsAsync(Batch, CancellationToken.None));

        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Equal(1, _gateway.EventRequests);
    }

    [Fact]
    public async Task Waits_until_ready_within_the_attempts()
    {
        _gateway.NotReadyFor = 2;

        Assert.True(await Client().WaitUntilReadyAsync(3, TimeSpan.FromMilliseconds(1), CancellationToken.None));
    }

    [Fact]
    public async Task Gives_up_when_not_ready_after_the_attempts()
    {
        _gateway.NotReadyFor = 5;

        Assert.False(await Client().WaitUntilReadyAsync(3, TimeSpan.FromMilliseconds(1), CancellationToken.None));
    }

    [Fact]
    public async Task Nothing_listening_is_not_ready()
    {
        await _gateway.DisposeAsync();
        var client = new GatewayClient(_http, _gateway.BaseAddress, new GatewayKeys(), TestEnvironment.FastRetry);

        Assert.False(await client.WaitUntilReadyAsync(2, TimeSpan.FromMilliseconds(1), CancellationToken.None));
        _gateway = await ScriptedGateway.StartAsync(); // for DisposeAsync
    }

    [Fact]
    public async Task Batches_over_the_limit_are_refused_before_sending()
    {
        var tooMany = Enumerable.Repeat(Batch[0], GatewayClient.MaxEventsPerRequest + 1).ToList();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client().PostEventsAsync(tooMany, CancellationToken.None));
        Assert.Equal(0, _gateway.EventRequests);
    }
}
