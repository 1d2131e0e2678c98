using Xunit;
using OrleansReco.Grains.Storage;

namespace OrleansReco.UnitTests;

public sealed class CoalescingStateWriterTests
{
    [Fact]
    public async Task Callers_arriving_during_a_write_share_the_next_single_write()
    {
        var gates = new List<TaskCompletionSource>();
        var writer = new CoalescingStateWriter(() =>
        {
            var gate = new TaskCompletionSource();
            gates.Add(gate);
            return gate.Task;
        });

        var first = writer.WriteAsync();
        var second = writer.WriteAsync();
        var third = writer.WriteAsync();
        Assert.Single(gates);

        gates[0].SetResult();
        await first;
        Assert.False(second.IsCompleted);
        Assert.Equal(2, gates.Count);

        gates[1].SetResult();
        await Task.WhenAll(second, third);
        Assert.Equal(2, gates.Count);
    }

    [Fact]
    public async Task A_failed_write_fails_only_its_own_callers()
    {
        var calls = 0;
        var failures = 0;
        var writer = new CoalescingStateWriter(
            () => ++calls == 1 ? Task.FromException(new InvalidOperationException("disk")) : Task.CompletedTask,
            onFailure: () => failures++);

        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync());
        await writer.WriteAsync();
        Assert.Equal(2, calls);
        Assert.Equal(1, failures);
    }
}
