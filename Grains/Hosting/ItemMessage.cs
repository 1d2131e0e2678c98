using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Grains.Hosting;

/// <summary>
/// What a silo's user grains send an item: a contribution to apply, or the delivery id of one that the sender's state no
/// longer holds (so it will never be sent again and the item may forget it).
/// </summary>
public readonly record struct ItemMessage(ItemContribution? Contribution, Guid Forgotten)
{
    public static ItemMessage Apply(ItemContribution contribution) => new(contribution, Guid.Empty);

    public static ItemMessage Forget(Guid deliveryId) => new(null, deliveryId);

    /// <summary>Splits a batch into what <see cref="IItemGrain.Apply"/> takes.</summary>
    public static (List<ItemContribution> Contributions, List<Guid> Forgotten) Split(IReadOnlyList<ItemMessage> batch)
    {
        var contributions = new List<ItemContribution>(batch.Count);
        var forgotten = new List<Guid>();
        foreach (var message in batch)
        {
            if (message.Contribution is { } contribution) contributions.Add(contribution);
            else forgotten.Add(message.Forgotten);
        }
        return (contributions, forgotten);
    }
}
