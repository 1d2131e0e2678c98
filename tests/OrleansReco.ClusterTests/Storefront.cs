using OrleansReco.Grains.Interfaces;

namespace OrleansReco.ClusterTests;

/// <summary>Test-side helper that speaks to the grains like the gateway does, within its own id namespace.</summary>
internal sealed class Storefront(IGrainFactory grains)
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly string _prefix = Guid.NewGuid().ToString("N")[..8];
    private int _clock;

    public string Item(string name) => $"{_prefix}-{name}";
    public string User(string name) => $"{_prefix}-user-{name}";
    public string Category => $"{_prefix}-category";

    public IUserGrain UserGrain(string name) => grains.GetGrain<IUserGrain>(User(name));
    public IItemGrain ItemGrain(string name) => grains.GetGrain<IItemGrain>(Item(name));
    public IRecommenderGrain Recommender => grains.GetGrain<IRecommenderGrain>(0);

    /// <summary>Records the events, then waits until every item they change holds the change durably.</summary>
    public async Task Do(string user, EventType type, params string[] items)
    {
        await Record(user, type, items);
        await UserGrain(user).WaitForDeliveries();
    }

    /// <summary>
    /// One batch as a storefront sends it, the events a minute apart; with <paramref name="idPrefix"/>, each carries the
    /// event id <c>{idPrefix}-{position}</c>, so that sending the same batch again is a retry.
    /// </summary>
    public List<BehaviourEvent> Batch(string? idPrefix, params (string Item, EventType Type)[] events) =>
        events.Select((e, i) => new BehaviourEvent(Item(e.Item), e.Type, Start.AddMinutes(i), idPrefix is null ? null : $"{idPrefix}-{i}")).ToList();

    /// <summary>Records the events: answered once the user's state holds them; the items get them after.</summary>
    public Task Record(string user, EventType type, params string[] items) =>
        UserGrain(user).Record(items.Select(i => new BehaviourEvent(Item(i), type, Start.AddMinutes(++_clock))).ToList());

    public Task Catalogue(string item, string? category = null, bool available = true) =>
        ItemGrain(item).Upsert(new ItemDetails(item, category ?? Category, [], 9.99m, available));

    public string Name(string itemId) => itemId[(_prefix.Length + 1)..];
}
