using System.Threading.Channels;
using OrleansReco.Grains.Hosting;
using OrleansReco.Grains.Interfaces;
using Xunit;

namespace OrleansReco.UnitTests;

public sealed class CheckpointWaitsTests
{
    private static readonly Guid A = Guid.NewGuid();
    private static readonly Guid B = Guid.NewGuid();

    /// <summary>Every wait call made, in order, each completed only when the test says so.</summary>
    private readonly Channel<Call> _calls = Channel.CreateUnbounded<Call>();

    private CheckpointWaits<string> Waits() => new((target, receipt, urgent) =>
    {
        var call = new Call(target, receipt, urgent, new TaskCompletionSource());
        _calls.Writer.TryWrite(call);
        return call.Done.Task;
    });

    private async Task<Call> NextCall() => await _calls.Reader.ReadAsync();

    private sealed record Call(string Target, CheckpointReceipt Receipt, bool Urgent, TaskCompletionSource Done);

    [Fact]
    public async Task Receipts_a_wait_in_flight_covers_ride_on_it_and_the_rest_share_the_next_call()
    {
        var waits = Waits();
        var first = waits.Wait("item", new(A, 5));
        var call = await NextCall();
        var covered = waits.Wait("item", new(A, 4));
        var later = new[] { waits.Wait("item", new(A, 6)), waits.Wait("item", new(A, 7)) };
        Assert.False(_calls.Reader.TryPeek(out _)); // one call in flight per target

        call.Done.SetResult();
        await Task.WhenAll(first, covered);
        var next = await NextCall();

        Assert.Equal(new CheckpointReceipt(A, 7), next.Receipt); // the newest of those that waited
        Assert.All(later, w => Assert.False(w.IsCompleted));
        next.Done.SetResult();
        await Task.WhenAll(later);
        Assert.False(_calls.Reader.TryPeek(out _));
    }

    [Fact]
    public async Task A_failed_wait_fails_the_receipts_of_that_activation_and_the_next_activation_gets_its_own_call()
    {
        var waits = Waits();
        var gone = waits.Wait("item", new(A, 1));
        var call = await NextCall();
        var sameActivation = waits.Wait("item", new(A, 2));
        var successor = waits.Wait("item", new(B, 1));

        call.Done.SetException(new CheckpointLostException("gone"));

        await Assert.ThrowsAsync<CheckpointLostException>(() => gone);
        await Assert.ThrowsAsync<CheckpointLostException>(() => sameActivation);
        var next = await NextCall();
        Assert.Equal(new CheckpointReceipt(B, 1), next.Receipt);
        next.Done.SetResult();
        await successor;
    }

    [Fact]
    public async Task Targets_wait_apart_and_an_urgent_wait_goes_at_once()
    {
        var waits = Waits();
        var a = waits.Wait("a", new(A, 1));
        var b = waits.Wait("b", new(B, 1));
        var (first, second) = (await NextCall(), await NextCall());
        var urgent = waits.Wait("a", new(A, 2), urgent: true);
        var third = await NextCall();

        Assert.Equal(["a", "b", "a"], new[] { first.Target, second.Target, third.Target });
        Assert.True(third.Urgent);
        second.Done.SetResult();
        await b;
        Assert.False(a.IsCompleted);
        third.Done.SetResult();
        first.Done.SetResult();
        await Task.WhenAll(a, urgent);
    }
}
