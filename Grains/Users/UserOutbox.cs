using System.Diagnostics;
using OrleansReco.Grains.Hosting;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;

namespace OrleansReco.Grains.Users;

/// <summary>
/// A shopper's outbox: the history changes that not every item they touch is known to hold durably yet, oldest first,
/// and their delivery. A change enters it in the same state write as the events that caused it (so an acknowledged
/// event is never lost), is delivered after that write, and leaves it with the first write after every change up to it
/// is delivered; the items are then told to forget its id, which they kept to recognise a redelivery. Several changes
/// can be on their way at once, and none waits for another.
/// <para>
/// What the row stores is the chain of changes from the oldest undelivered one to the newest, each as the
/// contributions its changed items had before it (<see cref="PendingChange"/>): laid back over the current history one
/// by one, newest first, they give every state in between, so each change's item deltas can be planned again after a
/// restart. A delivered change newer than an undelivered one stays in the chain for that reason.
/// </para>
/// Runs on the user grain's scheduler: no locks.
/// </summary>
internal sealed class UserOutbox(DurableDeliveries<string, ItemMessage> items, Action onProgress)
{
    private readonly List<Entry> _entries = [];

    /// <summary>Changes to store with the next write, and how many delivered ones at the front it drops.</summary>
    public (List<PendingChange> Chain, int Dropped) ToStore()
    {
        var dropped = _entries.TakeWhile(e => e.Delivered).Count();
        return (_entries.Skip(dropped).Select(e => e.Change).ToList(), dropped);
    }

    /// <summary>Whether a write would drop delivered changes (and let the items forget their ids).</summary>
    public bool CanDrop => _entries.Count > 0 && _entries[0].Delivered;

    /// <summary>Every change is delivered (or there is none).</summary>
    public bool AllDelivered => _entries.All(e => e.Delivered);

    /// <summary>Some delivery ended with items still to reach.</summary>
    public bool AnyFailed => _entries.Any(e => e.Failed);

    /// <summary>What the latest failed delivery failed with, if any is failed now.</summary>
    public Exception? Failure => _entries.Where(e => e.Failed).Select(e => e.LastFailure).OfType<Exception>().LastOrDefault();

    /// <summary>
    /// After a write that stored <see cref="ToStore"/>'s chain plus <paramref name="added"/> (planned from the history
    /// before and after it): drops what it no longer holds, telling the items to forget those ids, and starts
    /// delivering <paramref name="added"/>.
    /// </summary>
    public void Written(int dropped, PendingChange? added, Dictionary<string, ItemChange>? plan)
    {
        foreach (var entry in _entries.Take(dropped))
        {
            Forget(entry);
        }
        _entries.RemoveRange(0, dropped);
        if (added is not null)
        {
            var entry = new Entry(added, plan!);
            _entries.Add(entry);
            Deliver(entry);
        }
    }

    /// <summary>
    /// After a restart: plans the stored chain again against the current history. Which of its changes the items took
    /// before is unknown, so all are to go again (<see cref="DeliverPending"/>), and the items skip what they hold.
    /// </summary>
    public void Restore(IReadOnlyList<PendingChange> chain, Dictionary<string, PopularityContribution> current) =>
        _entries.AddRange(PendingChange.PlanChain(chain, current).Select((plan, i) => new Entry(chain[i], plan)));

    /// <summary>Delivers every change that has items still to reach and is not on its way: restored ones, failed ones.</summary>
    public void DeliverPending()
    {
        foreach (var entry in _entries.Where(e => e.Failed)) Deliver(entry);
    }

    /// <summary>
    /// Completes once every change is delivered, retrying failures up to <paramref name="rounds"/> times (waiting
    /// <paramref name="pause"/> between rounds); fails with the last failure after that.
    /// </summary>
    public async Task WhenAllDelivered(int rounds, TimeSpan pause)
    {
        for (var round = 1; ; round++)
        {
            DeliverPending();
            await Task.WhenAll(_entries.Select(e => e.Delivering).OfType<Task>());
            if (AllDelivered)
            {
                return;
            }
            if (round >= rounds)
            {
                throw new TransientFailureException(
                    $"Item changes of {_entries.Count(e => e.Failed)} history changes could not be delivered yet; they stay in the outbox and are retried.",
                    Failure);
            }
            await Task.Delay(pause);
        }
    }

    /// <summary>
    /// After the user's state is deleted (erasure): nothing will send these changes again, so the items may forget all
    /// of them.
    /// </summary>
    public void Deleted()
    {
        _entries.ForEach(Forget);
        _entries.Clear();
    }

    private void Deliver(Entry entry)
    {
        if (entry.Delivering is null && !entry.Delivered)
        {
            entry.Delivering = DeliverAsync(entry);
        }
    }

    private async Task DeliverAsync(Entry entry)
    {
        entry.LastFailure = null;
        await Task.WhenAll(entry.Undelivered.ToList().Select(async kv =>
        {
            try
            {
                await items.Deliver(kv.Key, ItemMessage.Apply(kv.Value));
                entry.Undelivered.Remove(kv.Key);
            }
            catch (Exception exception)
            {
                entry.LastFailure = exception;
            }
        }));
        entry.Delivering = null;
        if (entry.Delivered)
        {
            RecoMetrics.ChangeDelivered(entry.WrittenAt);
        }
        onProgress();
    }

    private void Forget(Entry entry)
    {
        foreach (var item in entry.Items)
        {
            // Only memory at the item is at stake if this is lost.
            _ = items.Post(item, ItemMessage.Forget(entry.Change.Id)).ContinueWith(
                static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    private sealed class Entry
    {
        public Entry(PendingChange change, Dictionary<string, ItemChange> plan)
        {
            Change = change;
            Items = [.. plan.Keys];
            // Items kept on both sides of a change share one co-item map (see ContributionPlanner): packed once.
            var packed = new Dictionary<Dictionary<string, int>, byte[]>(ReferenceEqualityComparer.Instance);
            Undelivered = new Dictionary<string, ItemContribution>(plan.Count, StringComparer.Ordinal);
            foreach (var (item, itemChange) in plan)
            {
                if (!packed.TryGetValue(itemChange.CoItemDeltas, out var coItems))
                {
                    packed[itemChange.CoItemDeltas] = coItems = CountMapPacking.Pack(itemChange.CoItemDeltas);
                }
                Undelivered[item] = new ItemContribution(
                    change.Id,
                    itemChange.OccurrenceDelta,
                    coItems,
                    itemChange.PopularityDeltas.Count == 0 ? [] : itemChange.PopularityDeltas.Select(kv => new PopularityDelta(kv.Key, kv.Value)).ToList());
            }
        }

        public PendingChange Change { get; }

        /// <summary>When the shopper's write held the change (or this activation restored it): the start of its delivery lag.</summary>
        public long WrittenAt { get; } = Stopwatch.GetTimestamp();

        /// <summary>Every item the change touches: told to forget its id once no write holds it.</summary>
        public string[] Items { get; }

        /// <summary>Contributions not yet confirmed durable, by item.</summary>
        public Dictionary<string, ItemContribution> Undelivered { get; }

        public Task? Delivering { get; set; }

        public Exception? LastFailure { get; set; }

        public bool Delivered => Undelivered.Count == 0;

        public bool Failed => Delivering is null && Undelivered.Count > 0;
    }
}
