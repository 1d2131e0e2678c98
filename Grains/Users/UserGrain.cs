using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansReco.Grains.Hosting;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;

namespace OrleansReco.Grains.Users;

/// <summary>
/// One shopper. Not reentrant: a user's events are applied one batch at a time, in order.
/// Per batch: update the history, plan the item changes, write history and changes in one state write
/// (the acknowledgement point), then deliver the changes to the item grains; undelivered ones are retried.
/// The grain key is a pseudonym; it is never logged.
/// </summary>
public sealed class UserGrain(
    [PersistentState("user", RecoStorage.State)] IPersistentState<UserState> state,
    IOptions<ModelOptions> options,
    ILogger<UserGrain> logger) : Grain, IUserGrain
{
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(2);

    private readonly HistoryPolicy _policy = HistoryPolicy.From(options.Value);
    private UserHistory _history = null!;
    private bool _outboxClearedSinceWrite;
    private IGrainTimer? _retryTimer;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _history = UserHistory.Restore(
            _policy, state.State.History.Select(h => h.ToEntry()), state.State.NewestEvent);
        if (state.State.Outbox.Count > 0)
        {
            await TryDeliverOutbox();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // An emptied outbox that was never written would only be delivered again (harmlessly); writing it saves that.
        if (_outboxClearedSinceWrite && state.State.Outbox.Count == 0)
        {
            try
            {
                await state.WriteStateAsync(cancellationToken);
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "Could not persist a delivered outbox on deactivation");
            }
        }
    }

    public async Task Record(IReadOnlyList<BehaviourEvent> events)
    {
        // Earlier changes go out first so that every item sees a user's changes in order.
        if (state.State.Outbox.Count > 0)
        {
            await DeliverOutbox();
        }

        var before = _history.Contributions();
        foreach (var e in events)
        {
            _history.Record(e.ItemId, ToKind(e.Type), e.Timestamp.ToUnixTimeSeconds());
        }
        var plan = ContributionPlanner.Plan(before, _history.Contributions());

        state.State.History = _history.Entries.Select(HistoryEntryState.From).ToList();
        state.State.NewestEvent = _history.NewestEvent;
        state.State.Outbox = plan.Select(kv => new PendingDelivery(kv.Key, ToContribution(kv.Value))).ToList();
        try
        {
            await state.WriteStateAsync();
            _outboxClearedSinceWrite = false;
        }
        catch
        {
            // Memory is ahead of storage now: drop this activation so the next call starts from what is stored.
            DeactivateOnIdle();
            throw;
        }

        await TryDeliverOutbox();
    }

    public Task<UserContext> GetContext()
    {
        var history = _history.Ranked()
            .Select(x => new HistoryAffinity(x.Entry.ItemId, x.Affinity, x.Entry.Purchased))
            .ToList();
        return Task.FromResult(new UserContext(history, Personalization: true));
    }

    public Task SetProfile(IReadOnlyDictionary<string, string> attributes) => throw new NotImplementedException();

    public Task SetConsent(bool personalization) => throw new NotImplementedException();

    public Task<UserExport?> Export() => throw new NotImplementedException();

    public Task<ErasureReceipt> Erase(ErasureRequest request) => throw new NotImplementedException();

    /// <summary>Delivers, or leaves the outbox for the retry timer: the state is durable either way.</summary>
    private async Task TryDeliverOutbox()
    {
        try
        {
            await DeliverOutbox();
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Delivery of {Count} item changes failed; will retry", state.State.Outbox.Count);
            _retryTimer ??= this.RegisterGrainTimer(RetryDelivery, new GrainTimerCreationOptions(RetryPeriod, RetryPeriod)
            {
                KeepAlive = true,
            });
        }
    }

    private async Task RetryDelivery(CancellationToken cancellationToken)
    {
        await DeliverOutbox();
        _retryTimer?.Dispose();
        _retryTimer = null;
    }

    private async Task DeliverOutbox()
    {
        var pending = state.State.Outbox;
        await Task.WhenAll(pending.Select(p => GrainFactory.GetGrain<IItemGrain>(p.ItemId).Apply(p.Contribution)));
        // Still the same outbox: no other call can have replaced it while this one was delivering.
        state.State.Outbox = [];
        _outboxClearedSinceWrite = true;
    }

    private static ItemContribution ToContribution(ItemChange change) => new(
        Guid.NewGuid(),
        change.OccurrenceDelta,
        change.CoItemDeltas.Select(kv => new CoItemDelta(kv.Key, kv.Value)).ToList(),
        change.PopularityDeltas.Select(kv => new PopularityDelta(kv.Key, kv.Value)).ToList());

    private static EventKind ToKind(EventType type) => type switch
    {
        EventType.View => EventKind.View,
        EventType.Cart => EventKind.Cart,
        EventType.Purchase => EventKind.Purchase,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
