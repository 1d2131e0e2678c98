namespace OrleansReco.Tools.Synthetic;

/// <summary>
/// A generated storefront. <see cref="Events"/> are ordered by timestamp; each shopper's timestamps strictly increase.
/// Deconstructs to <c>(items, events)</c> as well as to all three parts.
/// </summary>
public sealed record SyntheticStorefrontData(
    IReadOnlyList<CatalogItem> Items,
    IReadOnlyList<StorefrontEvent> Events,
    IReadOnlyList<SyntheticShopper> Shoppers)
{
    public void Deconstruct(out IReadOnlyList<CatalogItem> items, out IReadOnlyList<StorefrontEvent> events)
    {
        items = Items;
        events = Events;
    }
}
