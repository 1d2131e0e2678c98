using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansReco.Grains.Embeddings;
using OrleansReco.Grains.Hosting;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;

namespace OrleansReco.Grains.Users;

/// <summary>
/// One shopper. Not reentrant: a user's events, consent changes and erasure apply one at a time, in order.
/// Every change of the history goes the same way: plan the item changes from the history before and after, write
/// history and changes in one state write (the acknowledgement point), then deliver the changes to the item
/// grains; undelivered ones are retried. The grain key is a pseudonym; it is never logged.
/// Storage holds the state only sealed under the user's data key (<see cref="UserDataVault"/>).
/// </summary>
public sealed class UserGrain(
    [PersistentState("user", RecoStorage.State)] IPersistentState<UserState> state,
    UserDataVaultFactory vaults,
    EmbeddingModelCache models,
    IOptions<ModelOptions> options,
    TimeProvider clock,
    PerTargetBatcher<string, ItemContribution> itemDeliveries,
    ILogger<UserGrain> logger) : Grain, IUserGrain
{
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(2);

    private readonly HistoryPolicy _policy = HistoryPolicy.From(options.Value);
    private readonly TimeSpan _repeatHalfLife = options.Value.RepeatHalfLife;
    private UserDataVault _vault = null!;
    private UserData _data = null!;
    private UserHistory _history = null!;
    private RecentEventIds _recentEventIds = null!;
    private UserEmbedding? _embedding;
    /// <summary>The item deltas of <see cref="UserData.Outbox"/>, planned once when the change is made.</summary>
    private Dictionary<string, ItemChange>? _plannedDeliveries;
    private bool _outboxClearedSinceWrite;
    private IGrainTimer? _retryTimer;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _vault = vaults.For(this.GetGrainId());
        Load(await OpenStoredState());
        if (_data.Outbox is not null)
        {
            await TryDeliverOutbox();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // An emptied outbox that was never written would only be delivered again (harmlessly); writing it saves that.
        if (_outboxClearedSinceWrite && _data.Outbox is null && state.RecordExists)
        {
            try
            {
                await Save();
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "Could not persist a delivered outbox on deactivation");
            }
        }

        _vault.Dispose();
    }

    public async Task Record(IReadOnlyList<BehaviourEvent> events)
    {
        if (!_data.Personalization)
        {
            return; // Without consent nothing is recorded.
        }
        var now = clock.GetUtcNow();
        if (events.All(e => e.EventId is { } id && _recentEventIds.Holds(id, now)))
        {
            return; // A retry of events already recorded: they have been durable since.
        }
        await ChangeHistory(history =>
        {
            // Ids are remembered inside the change, which is written or dropped as a whole: an id is never held for
            // an event that was not stored, so a retry after a failure records it.
            foreach (var e in events)
            {
                if (e.EventId is { } id && !_recentEventIds.TryRemember(id, now))
                {
                    continue; // recorded before
                }
                history.Record(e.ItemId, ToKind(e.Type), e.Timestamp.ToUnixTimeSeconds());
            }
        });
        await UpdateEmbedding();
        await TryDeliverOutbox();
    }

    public Task<IReadOnlyList<HistoryAffinity>> GetTrainingHistory() =>
        Task.FromResult<IReadOnlyList<HistoryAffinity>>(_data.Personalization ? Affinities() : []);

    public async Task<UserContext> GetContext()
    {
        // Once per user and model version, not in every recommendation: refold a vector of an older model.
        if (_history.Count > 0 && await models.CurrentAsync() is { } model && _embedding?.Version != model.Version)
        {
            await UpdateEmbedding();
        }
        return new UserContext(Affinities(), _data.Personalization, _embedding);
    }

    public async Task SetProfile(IReadOnlyDictionary<string, string> attributes)
    {
        _data.Profile = new Dictionary<string, string>(attributes, StringComparer.Ordinal);
        await Save();
    }

    /// <summary>
    /// Withdrawing consent also withdraws the history and its influence on everyone else's recommendations:
    /// what is not used for personalisation is not kept.
    /// </summary>
    public async Task SetConsent(bool personalization)
    {
        _data.Personalization = personalization;
        if (personalization)
        {
            await Save();
            return;
        }
        var retracted = _history.Count;
        // What is not used for personalisation is not kept, the record of which events were seen included.
        _recentEventIds.Clear();
        await ChangeHistory(history => history.Clear());
        _embedding = null;
        await DeliverOutbox();
        if (retracted > 0)
        {
            await NoteRetraction();
        }
    }

    public async Task<UserExport?> Export()
    {
        if (!state.RecordExists)
        {
            return null;
        }
        await UpdateEmbedding(); // against the current model, as a recommendation now would use it
        var history = _history.Ranked()
            .Select(x => new ExportedHistoryEntry(
                x.Entry.ItemId,
                DateTimeOffset.FromUnixTimeSeconds(x.Entry.FirstSeen),
                DateTimeOffset.FromUnixTimeSeconds(x.Entry.LastSeen),
                x.Entry.Views,
                x.Entry.Carts,
                x.Entry.Purchases,
                x.Affinity))
            .ToList();
        return new UserExport(new Dictionary<string, string>(_data.Profile), _data.Personalization, history, _embedding?.Vector);
    }

    /// <summary>
    /// Retract first, durably (the retraction is written as an outbox before anything is deleted, so a crash
    /// part-way is finished by a repeated request), then destroy the data key, delete the state and write the
    /// receipt. Once the key is gone the state is unreadable wherever a copy of it lies; a crash before the state
    /// is deleted leaves a row without a key, which the next activation deletes (<see cref="OpenStoredState"/>).
    /// The caller gets the receipt only when every item has applied the retraction.
    /// </summary>
    public async Task<ErasureReceipt> Erase(ErasureRequest request)
    {
        var retracted = _history.Count;
        if (state.RecordExists)
        {
            await ChangeHistory(history => history.Clear());
            await DeliverOutbox();
        }

        try
        {
            // Also without a state row: a key created just before a crash may be all there is.
            await _vault.DestroyKeyAsync();
            if (state.RecordExists)
            {
                await state.ClearStateAsync();
            }
        }
        catch
        {
            DeactivateOnIdle(); // a repeated request starts from what storage holds
            throw;
        }
        Load(new UserData());

        var receipt = new ErasureReceipt(request.ReceiptId, clock.GetUtcNow(), request.Salt, request.Hash, retracted);
        await GrainFactory.GetGrain<IErasureReceiptGrain>(request.ReceiptId).Record(receipt);
        if (retracted > 0)
        {
            await NoteRetraction();
        }
        DeactivateOnIdle();
        return receipt;
    }

    /// <summary>Applies a change to the history and writes it with the item changes it implies.</summary>
    private async Task ChangeHistory(Action<UserHistory> change)
    {
        // Earlier changes go out first so that every item sees a user's changes in order.
        if (_data.Outbox is not null)
        {
            await DeliverOutbox();
        }
        var before = _history.Contributions();
        change(_history);
        var after = _history.Contributions();
        var plan = ContributionPlanner.Plan(before, after);

        _data.SetPackedHistory(_history.Pack());
        _data.Outbox = plan.Count > 0 ? PendingChange.Between(before, after) : null;
        _plannedDeliveries = plan;
        await Save();
    }

    private async Task Save()
    {
        try
        {
            // The wrapped key is stored before the first state that needs it.
            await _vault.EnsureKeyAsync();
            // Packed here, the one place state is written, so the stored ids are always the live ones.
            _data.RecentEventIds = _recentEventIds.Pack();
            state.State = _vault.Seal(_data);
            await state.WriteStateAsync();
            _outboxClearedSinceWrite = false;
        }
        catch
        {
            // Memory is ahead of storage now: drop this activation so the next call starts from what is stored.
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>
    /// What storage holds, decrypted. Empty for a new user, and for one whose erasure stopped after destroying the
    /// key: the unreadable state is deleted here, which finishes that erasure.
    /// </summary>
    private async Task<UserData> OpenStoredState()
    {
        if (!state.RecordExists)
        {
            return new UserData();
        }

        if (await _vault.OpenAsync(state.State) is { } data)
        {
            return data;
        }

        await state.ClearStateAsync();
        return new UserData();
    }

    private List<HistoryAffinity> Affinities() => _history.Ranked()
        .Select(x => new HistoryAffinity(x.Entry.ItemId, x.Affinity, x.Entry.Purchased,
            x.Entry.RepeatAffinityAt(_history.NewestEvent, _repeatHalfLife), x.Entry.LastSeen))
        .ToList();

    /// <summary>The current embedding model may have been trained with the retracted history: a retraining is due.</summary>
    private Task NoteRetraction() => GrainFactory.GetGrain<IEmbeddingTrainerGrain>(0).NoteErasure();

    /// <summary>
    /// Folds the current history in against this silo's current model: the least-squares user vector, so the very
    /// next recommendation reflects the event. Held in memory only; it is a function of the stored history.
    /// </summary>
    private async Task UpdateEmbedding()
    {
        var model = await models.CurrentAsync();
        _embedding = model?.FoldIn(_history.Ranked().Select(x => (x.Entry.ItemId, x.Affinity))) is { } vector
            ? new UserEmbedding(model.Version, vector)
            : null;
    }

    private void Load(UserData data)
    {
        _data = data;
        _embedding = null;
        _plannedDeliveries = null;
        _history = UserHistory.Restore(_policy, data.GetPackedHistory());
        _recentEventIds = RecentEventIds.Restore(data.RecentEventIds);
    }

    /// <summary>Delivers, or leaves the outbox for the retry timer: the state is durable either way.</summary>
    private async Task TryDeliverOutbox()
    {
        try
        {
            await DeliverOutbox();
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Delivery of {Count} item changes failed; will retry", _plannedDeliveries?.Count);
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
        if (_data.Outbox is not { } pending)
        {
            return;
        }
        // After a restart only the compact outbox is known: plan again, against the history it led to.
        if (_plannedDeliveries is null)
        {
            var after = _history.Contributions();
            _plannedDeliveries = ContributionPlanner.Plan(pending.Before(after), after);
        }
        var plan = _plannedDeliveries;
        var packedCoItems = new Dictionary<Dictionary<string, int>, byte[]>(ReferenceEqualityComparer.Instance);
        await Task.WhenAll(plan.Select(kv => itemDeliveries.Send(kv.Key, ToContribution(pending.Id, kv.Value, packedCoItems))));
        // Still the same outbox: calls do not interleave, so nothing replaced it while this one was delivering.
        _data.Outbox = null;
        _plannedDeliveries = null;
        _outboxClearedSinceWrite = true;
    }

    /// <summary>Items kept on both sides of a change share one co-item map (see ContributionPlanner): packed once, in <paramref name="packedCoItems"/>.</summary>
    private static ItemContribution ToContribution(Guid changeId, ItemChange change, Dictionary<Dictionary<string, int>, byte[]> packedCoItems)
    {
        if (!packedCoItems.TryGetValue(change.CoItemDeltas, out var coItems))
        {
            packedCoItems[change.CoItemDeltas] = coItems = CountMapPacking.Pack(change.CoItemDeltas);
        }
        return new ItemContribution(
            changeId,
            change.OccurrenceDelta,
            coItems,
            change.PopularityDeltas.Count == 0 ? [] : change.PopularityDeltas.Select(kv => new PopularityDelta(kv.Key, kv.Value)).ToList());
    }

    private static EventKind ToKind(EventType type) => type switch
    {
        EventType.View => EventKind.View,
        EventType.Cart => EventKind.Cart,
        EventType.Purchase => EventKind.Purchase,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
