namespace OrleansReco.Grains.Model;

/// <summary>The model's own view of an event type, free of wire types.</summary>
public enum EventKind
{
    View,
    Cart,
    Purchase,
}

/// <summary>Configured weight of each event kind.</summary>
public sealed record EventWeights(double View, double Cart, double Purchase)
{
    public static EventWeights From(ModelOptions options) =>
        new(options.ViewWeight, options.CartWeight, options.PurchaseWeight);

    public double Of(EventKind kind) => kind switch
    {
        EventKind.View => View,
        EventKind.Cart => Cart,
        EventKind.Purchase => Purchase,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
