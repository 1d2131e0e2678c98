namespace OrleansReco.Grains.Interfaces;

/// <summary>What a shopper did with an item. The weight of each type is configured on the silo.</summary>
[GenerateSerializer, Alias("OrleansReco.EventType")]
public enum EventType
{
    View = 0,
    Cart = 1,
    Purchase = 2,
}

/// <summary>
/// One behaviour event, already validated by the Gateway. Time is event time, so history can be replayed.
/// <see cref="EventId"/>, when the storefront gives one, makes recording it idempotent: the user grain records an
/// id it has already recorded within a day only once.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansReco.BehaviourEvent")]
public sealed record BehaviourEvent(string ItemId, EventType Type, DateTimeOffset Timestamp, string? EventId = null);
