using System.Threading.Channels;
using OrleansReco.Grains.Hosting;
using Xunit;

namespace OrleansReco.UnitTests;

public sealed class PerTargetBatcherTests
{
    /// <summary>Every call the batcher makes, in order, each completed only when the test says so.</summary>
    private readonly Channel<Call> _calls = Channel.CreateUnbounded<Call>();

    private PerTargetBatcher<string, int, string> Batcher(int maxBatch = 100, int maxCallsInFlight = int.MaxValue) => new((target, messages) =>
    {
        var call = new Call(target, string.Join(',', messages), new TaskCompletionSource<string>());
        _calls.Writer.TryWrite(call);
        return call.Done.Task;
    }, maxBatch, maxCallsInFlight);

    /// <summary>Waits for the batcher's next call (it may be made on another thread once an earlier call completes).</summary>
    private async Task<Call> NextCall() => await _calls.Reader.ReadAsync();

    private sealed record Call(string Target, string Messages, TaskCompletionSource<string> Done);

    [Fact]
    public async Task An_idle_target_gets_each_message_at_once_and_targets_do_not_wait_for_each_other()
    {
        var batcher = Batcher();

        var toA = batcher.Send("a", 1);
        var toB = batcher.Send("b", 2);

        var (a, b) = (await NextCall(), await NextCall());
        Assert.Equal(("a", "1", "b", "2"), (a.Target, a.Messages, b.Target, b.Messages));
        b.Done.SetResult("done");
        await toB; // b's call finished while a's still runs
        Assert.False(toA.IsCompleted);
        a.Done.SetResult("done");
        await toA;
    }

    [Fact]
    public async Task Messages_that_arrive_during_a_call_go_together_in_order_in_the_next_one()
    {
        var batcher = Batcher();
        var first = batcher.Send("a", 1);
        var waiting = new[] { batcher.Send("a", 2), batcher.Send("a", 3), batcher.Send("a", 4) };
        var firstCall = await NextCall();
        Assert.False(_calls.Reader.TryPeek(out _)); // nothing else goes while the first call runs

        firstCall.Done.SetResult("done");
        await first;
        var secondCall = await NextCall();

        Assert.Equal("2,3,4", secondCall.Messages);
        Assert.All(waiting, w => Assert.False(w.IsCompleted)); // each waits for the call that carries it
        secondCall.Done.SetResult("answer to 2,3,4");
        Assert.All(await Task.WhenAll(waiting), answer => Assert.Equal("answer to 2,3,4", answer)); // and hears its answer
        Assert.False(_calls.Reader.TryPeek(out _));
    }

    [Fact]
    public async Task A_busy_target_gets_calls_of_at_most_the_maximum_batch()
    {
        var batcher = Batcher(maxBatch: 2);
        var sent = Enumerable.Range(1, 5).Select(m => batcher.Send("a", m)).ToList();

        var batches = new List<string>();
        for (var call = 0; call < 3; call++)
        {
            var next = await NextCall();
            batches.Add(next.Messages);
            next.Done.SetResult("done");
        }
        await Task.WhenAll(sent);

        Assert.Equal(["1", "2,3", "4,5"], batches);
    }

    [Fact]
    public async Task A_failed_call_fails_exactly_the_messages_it_carried()
    {
        var batcher = Batcher();
        var first = batcher.Send("a", 1);
        var second = batcher.Send("a", 2);

        (await NextCall()).Done.SetException(new InvalidOperationException("item unavailable"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        var secondCall = await NextCall();
        Assert.Equal("2", secondCall.Messages);
        Assert.False(second.IsCompleted);

        secondCall.Done.SetResult("done");
        await second;
        // The target is idle again: the next message goes at once.
        var third = batcher.Send("a", 3);
        var thirdCall = await NextCall();
        Assert.Equal("3", thirdCall.Messages);
        thirdCall.Done.SetResult("done");
        await third;
    }

    [Fact]
    public async Task With_every_call_in_flight_targets_take_turns_in_arrival_order_and_keep_gathering()
    {
        var batcher = Batcher(maxCallsInFlight: 1);
        var sent = new List<Task> { batcher.Send("a", 1) };
        var first = await NextCall();
        sent.Add(batcher.Send("b", 2)); // no call free: b waits for one
        sent.Add(batcher.Send("a", 3)); // a's call runs: waits behind it, after b
        sent.Add(batcher.Send("b", 4)); // joins b's waiting messages
        Assert.False(_calls.Reader.TryPeek(out _));

        var order = new List<string> { $"{first.Target}:{first.Messages}" };
        first.Done.SetResult("done");
        for (var call = 0; call < 2; call++)
        {
            var next = await NextCall();
            order.Add($"{next.Target}:{next.Messages}");
            next.Done.SetResult("done");
        }
        await Task.WhenAll(sent);

        Assert.Equal(["a:1", "b:2,4", "a:3"], order);
    }
}
