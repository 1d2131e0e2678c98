using System.Net;
using OrleansReco.Tools.Gateway;
using OrleansReco.Tools.Synthetic;

namespace OrleansReco.ToolsTests;

public sealed class EventUploaderTests : IAsyncLifetime
{
    private ScriptedGateway _gateway = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _gateway = await ScriptedGateway.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task Every_event_lands_once_in_small_batches_and_each_users_order_is_kept()
    {
        var events = SyntheticStorefront.Generate(new SyntheticOptions { Users = 60, Seed = 2 }).Events;
        _gateway.TooManyRequestsFor = 3; // refusals in the middle must not reorder anything
        var client = new GatewayClient(_http, _gateway.BaseAddress, new GatewayKeys(), TestEnvironment.FastRetry);

        var result = await new EventUploader(client, concurrency: 4, batchSize: 25).UploadAsync(events, CancellationToken.None);

        Assert.Equal(events.Count, result.Events);
        Assert.Equal(_gateway.BatchSizes.Count, result.Batches);
        Assert.All(_gateway.BatchSizes, size => Assert.InRange(size, 1, 25));
        Assert.Equal(events.Count, _gateway.Events.Count);
        var sent = events.ToLookup(e => e.UserId, e => (e.ItemId, GatewayClient.WireName(e.Type), e.Timestamp));
        var received = _gateway.Events.ToLookup(e => e.UserId, e => (e.ItemId, e.Type, e.Timestamp));
        foreach (var user in sent)
        {
            Assert.Equal(user, received[user.Key]);
        }
    }

    [Fact]
    public async Task Full_batches_hold_a_thousand_events()
    {
        var events = Enumerable.Range(0, 2500)
            .Select(i => new StorefrontEvent("user-1", "item-" + i, StorefrontEventType.View, DateTimeOffset.FromUnixTimeSeconds(i)))
            .ToList();
        var client = new GatewayClient(_http, _gateway.BaseAddress, new GatewayKeys(), TestEnvironment.FastRetry);

        await new EventUploader(client).UploadAsync(events, CancellationToken.None);

        Assert.Equal([1000, 1000, 500], _gateway.BatchSizes);
    }

    [Fact]
    public async Task A_refused_batch_stops_the_upload_with_the_gateway_error()
    {
        _gateway.EventsStatus = HttpStatusCode.BadRequest;
        var events = SyntheticStorefront.Generate(new SyntheticOptions { Users = 40 }).Events;
        var client = new GatewayClient(_http, _gateway.BaseAddress, new GatewayKeys(), TestEnvironment.FastRetry);

        var error = await Assert.ThrowsAsync<GatewayException>(
            () => new EventUploader(client, concurrency: 4, batchSize: 10).UploadAsync(events, CancellationToken.None));

        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
    }

    [Fact]
    public async Task A_read_error_stops_the_upload_with_that_error()
    {
        static IEnumerable<StorefrontEvent> Broken()
        {
            yield return new StorefrontEvent("user-1", "item-1", StorefrontEventType.View, DateTimeOffset.UnixEpoch);
            throw new InvalidDataException("bad file");
        }

        var client = new GatewayClient(_http, _gateway.BaseAddress, new GatewayKeys(), TestEnvironment.FastRetry);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new EventUploader(client).UploadAsync(Broken(), CancellationToken.None));
        Assert.Equal("bad file", error.Message);
    }

    [Fact]
    public void Partitions_are_stable_and_in_range()
    {
        Assert.Equal(EventUploader.PartitionOf("user-0007", 4), EventUploader.PartitionOf("user-0007", 4));
        Assert.All(Enumerable.Range(0, 100), i => Assert.InRange(EventUploader.PartitionOf("u" + i, 3), 0, 2));
        Assert.Equal(4, Enumerable.Range(0, 100).Select(i => EventUploader.PartitionOf("user-" + i, 4)).Distinct().Count());
    }
}
