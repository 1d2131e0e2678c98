using System.Collections.Concurrent;
using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Testing;

/// <summary>How an armed delivery fails.</summary>
public enum DeliveryFault
{
    /// <summary>The item never sees the contribution (a crash or a lost request).</summary>
    NotApplied,

    /// <summary>The item applies it, and the sender never hears so (a lost reply).</summary>
    ReplyLost,
}

/// <summary>
/// Makes <see cref="IItemGrain.Apply"/> fail for chosen items while armed, to exercise the user's outbox: install one
/// instance on every silo of an in-process cluster, arm an item (tests use their own item ids), disarm it after.
/// </summary>
public sealed class ItemDeliveryFaults : IIncomingGrainCallFilter
{
    public const string Message = "Injected delivery fault.";

    private readonly ConcurrentDictionary<string, DeliveryFault> _armed = new(StringComparer.Ordinal);

    public void Arm(string itemId, DeliveryFault fault) => _armed[itemId] = fault;

    public void Disarm(string itemId) => _armed.TryRemove(itemId, out _);

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var armed = context.InterfaceMethod?.DeclaringType == typeof(IItemGrain)
            && context.MethodName == nameof(IItemGrain.Apply)
            && _armed.TryGetValue(context.TargetId.Key.ToString()!, out var fault)
                ? fault
                : (DeliveryFault?)null;
        if (armed == DeliveryFault.NotApplied)
        {
            throw new InvalidOperationException(Message);
        }
        await context.Invoke();
        if (armed == DeliveryFault.ReplyLost)
        {
            throw new InvalidOperationException(Message);
        }
    }
}
