using Xunit;
using FsCheck.Xunit;
using OrleansReco.Grains.Model;
using OrleansReco.Grains.Users;

namespace OrleansReco.UnitTests;

/// <summary>
/// The central invariant: aggregates maintained incrementally through <see cref="ContributionPlanner"/> equal a
/// recount over the current histories, whatever the events, batching, evictions and erasures.
/// </summary>
public sealed class AggregateInvariantProperties
{
    private static readonly HistoryPolicy SmallHistories =
        new(Limit: 4, MaxAge: TimeSpan.FromDays(20), HalfLife: TimeSpan.FromDays(7), new EventWeights(1, 3, 5));

    [Property(MaxTest = 300)]
    public bool Incremental_counts_equal_a_recount(byte[] stream)
    {
        var world = new World(SmallHistories);
        // Each 4 bytes: user, item, event kind and time step; a kind byte of 255 erases the user instead.
        for (var i = 0; i + 3 < stream.Length; i += 4)
        {
            var user = $"u{stream[i] % 7}";
            if (stream[i + 2] == 255)
            {
                world.Erase(user);
                continue;
            }
            var item = $"i{stream[i + 1] % 12}";
            var kind = (EventKind)(stream[i + 2] % 3);
            var time = 1_600_000_000L + stream[i + 3] * 3_600L * 6 + i * 60L;
            world.Record(user, [(item, kind, time)]);
        }
        return world.AggregatesEqualRecount();
    }

    [Property(MaxTest = 100)]
    public bool Batches_give_the_same_aggregates_as_single_events(byte[] stream)
    {
        var single = new World(SmallHistories);
        var batched = new World(SmallHistories);
        var events = new List<(string Item, EventKind Kind, long Time)>();
        for (var i = 0; i + 2 < stream.Length; i += 3)
        {
            events.Add(($"i{stream[i] % 10}", (EventKind)(stream[i + 1] % 3), 1_600_000_000L + i * 3_600L + stream[i + 2]));
        }
        foreach (var e in events) single.Record("u", [e]);
        batched.Record("u", events);
        return single.SameAggregatesAs(batched) && batched.AggregatesEqualRecount();
    }

    [Property(MaxTest = 100)]
    public bool Erasing_a_user_leaves_the_aggregates_of_a_world_without_them(byte[] stream)
    {
        var withX = new World(SmallHistories);
        var withoutX = new World(SmallHistories);
        for (var i = 0; i + 2 < stream.Length; i += 3)
        {
            var user = stream[i] % 5 == 0 ? "x" : $"u{stream[i] % 4}";
            var e = ($"i{stream[i + 1] % 9}", (EventKind)(stream[i + 2] % 3), 1_600_000_000L + i * 7_200L);
            withX.Record(user, [e]);
            if (user != "x") withoutX.Record(user, [e]);
        }
        withX.Erase("x");
        return withX.SameAggregatesAs(withoutX);
    }

    /// <summary>
    /// Delivery after the acknowledgement: each user's changes wait in an outbox chain, reach the items in any order
    /// (a later change of a user may arrive before an earlier one, and items of one change at different times), some
    /// more than once, and a user restarting in between plans its stored chain again from its current history and
    /// delivers all of it again. Items skip a change id they applied. Once everything is delivered, the aggregates are
    /// a recount.
    /// </summary>
    [Property(MaxTest = 300)]
    public bool Deliveries_in_any_order_repeated_and_replanned_after_restarts_equal_a_recount(byte[] stream, int seed)
    {
        var world = new World(SmallHistories);
        var random = new Random(seed);
        var outboxes = new Dictionary<string, List<PendingChange>>();
        var pending = new List<(string User, Guid Change, string Item, ItemChange Delta)>();
        var applied = new Dictionary<string, HashSet<Guid>>();

        void Deliver((string User, Guid Change, string Item, ItemChange Delta) message)
        {
            if (!applied.TryGetValue(message.Item, out var ids)) applied[message.Item] = ids = [];
            if (ids.Add(message.Change)) world.ApplyTo(message.Item, message.Delta);
        }

        for (var i = 0; i + 3 < stream.Length; i += 4)
        {
            var user = $"u{stream[i] % 5}";
            switch (stream[i + 3] % 8)
            {
                case 0 when pending.Count > 0: // some messages arrive, in random order, a few of them twice
                    foreach (var message in pending.OrderBy(_ => random.Next()).Take(1 + random.Next(pending.Count)).ToList())
                    {
                        Deliver(message);
                        if (random.Next(4) == 0) Deliver(message); else pending.Remove(message);
                    }
                    break;
                case 1 when outboxes.TryGetValue(user, out var chain) && chain.Count > 0: // the user restarts
                    var plans = PendingChange.PlanChain(chain, world.History(user).Contributions());
                    pending.RemoveAll(m => m.User == user);
                    for (var c = 0; c < chain.Count; c++)
                    {
                        pending.AddRange(plans[c].Select(kv => (user, chain[c].Id, kv.Key, kv.Value)));
                    }
                    break;
                default:
                    var history = world.History(user);
                    var before = history.Contributions();
                    history.Record($"i{stream[i + 1] % 9}", (EventKind)(stream[i + 2] % 3), 1_600_000_000L + i * 3_600L);
                    var after = history.Contributions();
                    var plan = ContributionPlanner.Plan(before, after);
                    if (plan.Count == 0) break;
                    var change = PendingChange.Between(before, after);
                    if (!outboxes.TryGetValue(user, out var outbox)) outboxes[user] = outbox = [];
                    outbox.Add(change);
                    pending.AddRange(plan.Select(kv => (user, change.Id, kv.Key, kv.Value)));
                    break;
            }
        }
        foreach (var message in pending.OrderBy(_ => random.Next())) Deliver(message);
        return world.AggregatesEqualRecount();
    }

    /// <summary>Users' histories plus item aggregates kept only through planned deltas.</summary>
    private sealed class World(HistoryPolicy policy)
    {
        private readonly Dictionary<string, UserHistory> _users = new();
        private readonly Dictionary<string, ItemAggregates> _items = new();

        public void Record(string user, IEnumerable<(string Item, EventKind Kind, long Time)> events)
        {
            if (!_users.TryGetValue(user, out var history)) _users[user] = history = new UserHistory(policy);
            var before = history.Contributions();
            foreach (var (item, kind, time) in events) history.Record(item, kind, time);
            Apply(ContributionPlanner.Plan(before, history.Contributions()));
        }

        public void Erase(string user)
        {
            if (!_users.Remove(user, out var history)) return;
            Apply(ContributionPlanner.Plan(history.Contributions(), new Dictionary<string, PopularityContribution>()));
        }

        /// <summary>A user's history, kept here, for a test that plans and delivers its changes itself.</summary>
        public UserHistory History(string user) =>
            _users.TryGetValue(user, out var history) ? history : _users[user] = new UserHistory(policy);

        public void ApplyTo(string item, ItemChange change)
        {
            if (!_items.TryGetValue(item, out var aggregates)) _items[item] = aggregates = new ItemAggregates();
            aggregates.Apply(change.OccurrenceDelta, change.CoItemDeltas, change.PopularityDeltas);
        }

        private void Apply(Dictionary<string, ItemChange> plan)
        {
            foreach (var (item, change) in plan) ApplyTo(item, change);
        }

        /// <summary>Counts straight from the histories, without the planner, and compares.</summary>
        public bool AggregatesEqualRecount()
        {
            var recount = new World(policy);
            foreach (var history in _users.Values)
            {
                var held = history.Entries.ToList();
                foreach (var entry in held)
                {
                    if (!recount._items.TryGetValue(entry.ItemId, out var aggregates))
                    {
                        recount._items[entry.ItemId] = aggregates = new ItemAggregates();
                    }
                    var coItems = held.Where(o => o.ItemId != entry.ItemId).Select(o => KeyValuePair.Create(o.ItemId, 1));
                    var contribution = entry.Contribution;
                    aggregates.Apply(1, coItems, [KeyValuePair.Create(contribution.Day, contribution.MilliWeight)]);
                }
            }
            return SameAggregatesAs(recount);
        }

        public bool SameAggregatesAs(World other)
        {
            var items = _items.Keys.Union(other._items.Keys);
            return items.All(item => Same(_items.GetValueOrDefault(item), other._items.GetValueOrDefault(item)));
        }

        private static bool Same(ItemAggregates? a, ItemAggregates? b)
        {
            a ??= new ItemAggregates();
            b ??= new ItemAggregates();
            return a.Occurrence == b.Occurrence
                && a.CoOccurrence.Count == b.CoOccurrence.Count
                && a.CoOccurrence.All(kv => b.CoOccurrence.GetValueOrDefault(kv.Key) == kv.Value)
                && a.PopularityMilliWeights.Count == b.PopularityMilliWeights.Count
                && a.PopularityMilliWeights.All(kv => b.PopularityMilliWeights.GetValueOrDefault(kv.Key) == kv.Value);
        }
    }
}
