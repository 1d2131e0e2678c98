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

    private (string Prefix, double Probability, Random Random)? _random;
    private int _injected;

    /// <summary>How many deliveries an armed fault has failed so far.</summary>
    public int Injected => Volatile.Read(ref _injected);

    /// <summary>Fails each delivery to an item whose id starts with <paramref name="prefix"/> with the given probability, either way.</summary>
    public void ArmRandomly(string prefix, double probability, int seed) => _random = (prefix, probability, new Random(seed));

    public void DisarmRandomly() => _random = null;

    private DeliveryFault? RandomFault(string itemId)
    {
        if (_random is not { } armed || !itemId.StartsWith(armed.Prefix, StringComparison.Ordinal)) return null;
        lock (armed.Random)
        {
            var draw = armed.Random.NextDouble();
            return draw >= armed.Probability ? null : draw < armed.Probability / 2 ? DeliveryFault.NotApplied : DeliveryFault.ReplyLost;
        }
    }

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var itemId = context.TargetId.Key.ToString()!;
        var armed = context.InterfaceMethod?.DeclaringType == typeof(IItemGrain) && context.MethodName == nameof(IItemGrain.Apply)
            ? _armed.TryGetValue(itemId, out var fault) ? fault : RandomFault(itemId)
            : null;
        if (armed is not null)
        {
            Interlocked.Increment(ref _injected);
        }
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
