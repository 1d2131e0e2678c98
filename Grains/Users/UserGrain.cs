using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansReco.Grains.Embeddings;
using OrleansReco.Grains.Hosting;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;

namespace OrleansReco.Grains.Users;

/// <summary>
/// One shopper. A user's events, profile and consent changes and erasure apply one at a time, in order (each takes its
/// turn); event batches interleave with other calls only to wait for their turn together.
/// Every change of the history goes the same way: plan the item changes from the history before and after, write
/// history and changes (the outbox) in one state write, the acknowledgement point, then deliver the changes to the
/// item grains behind the answer (<see cref="UserOutbox"/>). Between calls the grain holds its state as stored (the
/// history packed), and readers see only what was written. The grain key is a pseudonym: this grain never logs it,
/// and Orleans' messages that name the grain reach the logs redacted (<see cref="Interfaces.Logging.GrainKeyRedaction"/>).
/// Storage holds the state only sealed under the user's data key (<see cref="UserDataVault"/>).
/// </summary>
public sealed class UserGrain(
    [PersistentState("user", RecoStorage.State)] IPersistentState<UserState> state,
    UserDataVaultFactory vaults,
    EmbeddingModelCache models,
    IOptions<ModelOptions> options,
    IOptions<DeliveryOptions> delivery,
    TimeProvider clock,
    DurableDeliveries<string, ItemMessage> itemDeliveries,
    ILogger<UserGrain> logger) : Grain, IUserGrain
{
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(2);

    /// <summary>Delivery rounds an erasure or a consent withdrawal waits through before it fails (and can be asked again).</summary>
    private const int RoundsBeforeGivingUp = 3;

    private readonly HistoryPolicy _policy = HistoryPolicy.From(options.Value);
    private readonly TimeSpan _repeatHalfLife = options.Value.RepeatHalfLife;
    private UserDataVault _vault = null!;
    private UserData _data = null!;
    private RecentEventIds _recentEventIds = null!;
    private UserEmbedding? _embedding;
    private UserOutbox _outbox = null!;
    private IGrainTimer? _retryTimer;
    private IGrainTimer? _dropTimer;

    /// <summary>
    /// One change of the shopper's state at a time: event batches (which interleave with other calls), profile, consent,
    /// erasure and the grain's own writes all take their turn here.
    /// </summary>
    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <summary>Event batches waiting for their turn, oldest first; they will be written together.</summary>
    private List<WaitingBatch>? _waitingEvents;

    /// <summary>Set when a write failed: the activation is on its way out and takes no more changes.</summary>
    private Exception? _failedWrite;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _vault = vaults.For(this.GetGrainId());
        _outbox = new UserOutbox(itemDeliveries, OnDeliveryProgress);
        Load(await OpenStoredState());
        if (_data.Outbox.Count > 0)
        {
            _outbox.Restore(_data.Outbox, History().Contributions());
            // A write before any redelivery fences off an earlier activation that may still be running (on a silo cut off
            // from the cluster but not yet stopped; the distributed directory prevents the rest). Its later writes now
            // fail on the ETag, so it can no longer drop a change from the row and tell the items to
            // forget its id while this activation delivers that change again: the items would apply it twice. Had it
            // dropped one before, this write fails instead, and the next activation reads the row without it.
            await Save(_data.Copy());
            _outbox.DeliverPending();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Changes every item holds need not be delivered again by the next activation: say so while still here (unless a
        // write just failed, which is why this activation ends).
        if (_failedWrite is null)
        {
            await DropDeliveredChanges();
        }
        _vault.Dispose();
    }

    /// <summary>
    /// Interleaves (see <see cref="IUserGrain.Record"/>): batches that arrive while a change of this shopper is being
    /// written wait for it and then go together in one change and one write, in the order they arrived (group commit).
    /// A shopper clicking fast gets one storage request for several events, and no request waits behind more than one
    /// write besides its own.
    /// </summary>
    public Task Record(IReadOnlyList<BehaviourEvent> events)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        (_waitingEvents ??= []).Add(new WaitingBatch(events, done));
        if (_waitingEvents.Count == 1)
        {
            _ = RecordWaitingEvents(); // the first to wait writes for every batch that joins it meanwhile
        }
        return done.Task;
    }

    private async Task RecordWaitingEvents()
    {
        List<WaitingBatch>? waiting = null;
        try
        {
            using var turn = await TakeTurn();
            waiting = TakeWaitingEvents();
            await RecordInOneChange(waiting.SelectMany(w => w.Events).ToList());
            waiting.ForEach(w => w.Done.SetResult());
        }
        catch (Exception exception)
        {
            // Also when no turn was given (a write failed): every batch that waited hears it, none is left hanging.
            (waiting ?? TakeWaitingEvents()).ForEach(w => w.Done.SetException(exception));
        }
    }

    private List<WaitingBatch> TakeWaitingEvents()
    {
        var waiting = _waitingEvents!;
        _waitingEvents = null;
        return waiting;
    }

    private async Task RecordInOneChange(List<BehaviourEvent> events)
    {
        if (!_data.Personalization)
        {
            RecoMetrics.EventsDropped(events.Count);
            return; // Without consent nothing is recorded.
        }
        var now = clock.GetUtcNow();
        if (events.All(e => e.EventId is { } id && _recentEventIds.Holds(id, now)))
        {
            RecoMetrics.EventsRecorded(0, events.Count);
            return; // A retry of events already recorded: they have been durable since.
        }
        // Only when the silo's deliveries are far behind (storage or items failing) does this wait.
        await itemDeliveries.Admission();
        var duplicates = 0;
        var recorded = await ChangeHistory(history =>
        {
            // Ids are remembered inside the change, which is written or dropped as a whole (a failed write deactivates
            // the grain): an id is never held for an event that was not stored, so a retry after a failure records it.
            foreach (var e in events)
            {
                if (e.EventId is { } id && !_recentEventIds.TryRemember(id, now))
                {
                    duplicates++;
                    continue; // recorded before
                }
                history.Record(e.ItemId, ToKind(e.Type), e.Timestamp.ToUnixTimeSeconds());
            }
        });
        RecoMetrics.EventsRecorded(events.Count - duplicates, duplicates);
        UpdateEmbedding(recorded, await models.CurrentAsync());
    }

    public async Task WaitForDeliveries() => await _outbox.WhenAllDelivered(rounds: int.MaxValue, RetryPeriod);

    public Task<IReadOnlyList<HistoryAffinity>> GetTrainingHistory() =>
        Task.FromResult<IReadOnlyList<HistoryAffinity>>(_data.Personalization ? Affinities(History()) : []);

    public async Task<UserContext> GetContext()
    {
        var history = History();
        // Once per user and model version, not in every recommendation: refold a vector of an older model.
        if (history.Count > 0 && await models.CurrentAsync() is { } model && _embedding?.Version != model.Version)
        {
            await UpdateEmbedding();
        }
        return new UserContext(Affinities(history), _data.Personalization, _embedding);
    }

    public async Task SetProfile(IReadOnlyDictionary<string, string> attributes)
    {
        using var turn = await TakeTurn();
        var next = _data.Copy();
        next.Profile = new Dictionary<string, string>(attributes, StringComparer.Ordinal);
        await Save(next);
    }

    /// <summary>
    /// Withdrawing consent also withdraws the history and its influence on everyone else's recommendations:
    /// what is not used for personalisation is not kept. Answers once every item holds the retraction.
    /// </summary>
    public async Task SetConsent(bool personalization)
    {
        using var turn = await TakeTurn();
        if (personalization)
        {
            var next = _data.Copy();
            next.Personalization = true;
            await Save(next);
            return;
        }
        var retracted = History().Count;
        // What is not used for personalisation is not kept, the record of which events were seen included.
        _recentEventIds.Clear();
        await ChangeHistory(history => history.Clear(), personalization: false);
        _embedding = null;
        await _outbox.WhenAllDelivered(RoundsBeforeGivingUp, RetryPeriod);
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
        var history = History().Ranked()
            .Select(x => new ExportedHistoryEntry(
                x.Entry.ItemId,
                DateTimeOffset.FromUnixTimeSeconds(x.Entry.FirstSeen),
                DateTimeOffset.FromUnixTimeSeconds(x.Entry.LastSeen),
                x.Entry.Views,
                x.Entry.Carts,
                x.Entry.Purchases,
                x.Affinity))
            .ToList();
        // The segment is not stored anywhere: the nearest centroid of the current model to the vector just folded in.
        var model = await models.CurrentAsync();
        var segment = _embedding is { } embedding && model?.Version == embedding.Version && model.SegmentOf(embedding.Vector) is { } nearest
            ? new ExportedSegment(model.Version, nearest.Id, nearest.TopCategories)
            : null;
        return new UserExport(new Dictionary<string, string>(_data.Profile), _data.Personalization, history, _embedding?.Vector, segment);
    }

    /// <summary>
    /// Retract first, durably (the retraction is written in the outbox before anything is deleted, so a crash
    /// part-way is finished by a repeated request), wait until every item holds it, then destroy the data key, delete
    /// the state and write the receipt. Once the key is gone the state is unreadable wherever a copy of it lies; a
    /// crash before the state is deleted leaves a row without a key, which the next activation deletes
    /// (<see cref="OpenStoredState"/>). The caller gets the receipt only when every item has applied the retraction.
    /// </summary>
    public async Task<ErasureReceipt> Erase(ErasureRequest request)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var receipt = await EraseInTurn(request);
            RecoMetrics.Erasure(started, succeeded: true);
            return receipt;
        }
        catch
        {
            RecoMetrics.Erasure(started, succeeded: false);
            throw;
        }
    }

    private async Task<ErasureReceipt> EraseInTurn(ErasureRequest request)
    {
        using var turn = await TakeTurn();
        var retracted = History().Count;
        DateTimeOffset? modelCleanBy = null;
        if (state.RecordExists)
        {
            await ChangeHistory(history => history.Clear());
            await _outbox.WhenAllDelivered(RoundsBeforeGivingUp, RetryPeriod);
            // The history is gone from memory and storage, so a training started from now on cannot read it. Told
            // while the row still exists: if this fails, a repeated request finds the row and tells again.
            modelCleanBy = await NoteRetraction();
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
        catch (Exception exception)
        {
            // A repeated request starts from what storage holds. Meanwhile nothing may write again: the key may be gone,
            // and a write would create a new one and seal the profile under it.
            _failedWrite = exception;
            DeactivateOnIdle();
            throw new TransientFailureException("The erasure did not finish; send it again.", exception);
        }
        _outbox.Deleted();
        Load(new UserData());

        var receipt = new ErasureReceipt(request.ReceiptId, clock.GetUtcNow(), request.Salt, request.Hash, retracted, modelCleanBy);
        await GrainFactory.GetGrain<IErasureReceiptGrain>(request.ReceiptId).Record(receipt);
        DeactivateOnIdle();
        return receipt;
    }

    /// <summary>
    /// Applies a change to the history and writes it with the item changes it implies; delivery starts once the
    /// write succeeded. Memory takes the new state only then, so concurrent readers never see an unwritten one.
    /// </summary>
    /// <returns>The history as written, decoded.</returns>
    private async Task<UserHistory> ChangeHistory(Action<UserHistory> change, bool? personalization = null)
    {
        var history = History();
        var before = history.Contributions();
        change(history);
        var after = history.Contributions();
        var plan = ContributionPlanner.Plan(before, after);
        var added = plan.Count > 0 ? PendingChange.Between(before, after) : null;

        var next = _data.Copy();
        next.Personalization = personalization ?? next.Personalization;
        next.SetPackedHistory(history.Pack());
        await Save(next, added, plan);
        return history;
    }

    /// <summary>
    /// Writes <paramref name="next"/> with the outbox as it stands (less the delivered changes at its front) plus
    /// <paramref name="added"/>; then memory takes it, the dropped changes' ids are released and the added one goes out.
    /// </summary>
    private async Task Save(UserData next, PendingChange? added = null, Dictionary<string, ItemChange>? plan = null)
    {
        var (chain, dropped) = _outbox.ToStore();
        if (added is not null) chain.Add(added);
        next.Outbox = chain;
        try
        {
            // The wrapped key is stored before the first state that needs it.
            await _vault.EnsureKeyAsync();
            // Packed here, the one place state is written, so the stored ids are always the live ones.
            next.RecentEventIds = _recentEventIds.Pack();
            state.State = _vault.Seal(next);
            await state.WriteStateAsync();
        }
        catch (Exception exception)
        {
            // Memory may be ahead of storage (event ids): drop this activation so the next call starts from what is
            // stored, and take no more changes meanwhile (a batch waiting for its turn would be written with them).
            _failedWrite = exception;
            DeactivateOnIdle();
            throw;
        }
        // Memory keeps one copy of each thing: the sealed bytes are storage's, the event ids live in _recentEventIds.
        state.State = new UserState();
        next.RecentEventIds = null;
        _data = next;
        _outbox.Written(dropped, added, plan);
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

        var data = await _vault.OpenAsync(state.State);
        if (data is null)
        {
            await state.ClearStateAsync();
            return new UserData();
        }
        state.State = new UserState();
        return data;
    }

    /// <summary>The history as written last, decoded for this call; between calls only its packed bytes are held.</summary>
    private UserHistory History() => UserHistory.Restore(_policy, _data.PackedHistory!);

    private List<HistoryAffinity> Affinities(UserHistory history) => history.Ranked()
        .Select(x => new HistoryAffinity(x.Entry.ItemId, x.Affinity, x.Entry.Purchased,
            x.Entry.RepeatAffinityAt(history.NewestEvent, _repeatHalfLife), x.Entry.LastSeen))
        .ToList();

    /// <summary>The current embedding model may have been trained with the retracted history: a retraining is due.</summary>
    private Task<DateTimeOffset> NoteRetraction() => GrainFactory.GetGrain<IEmbeddingTrainerGrain>(0).NoteErasure();

    /// <summary>
    /// Folds the current history in against this silo's current model: the least-squares user vector, so the very
    /// next recommendation reflects the event. Held in memory only; it is a function of the stored history.
    /// </summary>
    private async Task UpdateEmbedding()
    {
        var model = await models.CurrentAsync();
        UpdateEmbedding(History(), model); // the history after the await: a write may have landed meanwhile
    }

    private void UpdateEmbedding(UserHistory history, EmbeddingModel? model) =>
        _embedding = model?.FoldIn(history.Ranked().Select(x => (x.Entry.ItemId, x.Affinity))) is { } vector
            ? new UserEmbedding(model.Version, vector)
            : null;

    private void Load(UserData data)
    {
        data.SetPackedHistory(data.GetPackedHistory()); // once, for rows of builds before the packed form
        _recentEventIds = RecentEventIds.Restore(data.RecentEventIds);
        data.RecentEventIds = null; // held in _recentEventIds, packed again by every write
        _data = data;
        _embedding = null;
    }

    /// <summary>
    /// A delivery ended. Failures are retried by a timer; delivered changes at the front of the outbox leave the row
    /// with the next write, which an event brings soon enough in a busy session, or else a write of its own after
    /// <see cref="DeliveryOptions.OutboxWriteDelay"/>.
    /// </summary>
    private void OnDeliveryProgress()
    {
        if (_outbox.AnyFailed && _retryTimer is null)
        {
            // Once per spell of failures, and the type only (the exception may name grains).
            logger.LogWarning("Item changes of a shopper could not be delivered ({ExceptionType}); retrying every {Period}",
                _outbox.Failure?.GetType().Name, RetryPeriod);
            _retryTimer = this.RegisterGrainTimer(RetryDeliveries, new GrainTimerCreationOptions(RetryPeriod, RetryPeriod)
            {
                Interleave = true, // deliveries only: an erasure waiting for them must not block it
                KeepAlive = true,
            });
        }
        if (_outbox.CanDrop && _dropTimer is null)
        {
            _dropTimer = this.RegisterGrainTimer(DropDelivered, new GrainTimerCreationOptions(delivery.Value.OutboxWriteDelay, Timeout.InfiniteTimeSpan)
            {
                KeepAlive = true,
            });
        }
    }

    private Task RetryDeliveries(CancellationToken cancellationToken)
    {
        _outbox.DeliverPending();
        if (!_outbox.AnyFailed)
        {
            _retryTimer?.Dispose();
            _retryTimer = null;
        }
        return Task.CompletedTask;
    }

    /// <summary>Not interleaved: a write of its own, between calls.</summary>
    private Task DropDelivered(CancellationToken cancellationToken)
    {
        _dropTimer?.Dispose(); // a resident shopper at rest holds no timer
        _dropTimer = null;
        return DropDeliveredChanges();
    }

    /// <summary>Writes the row without the delivered changes at the front of the outbox, if there are any.</summary>
    private async Task DropDeliveredChanges()
    {
        try
        {
            using var turn = await TakeTurn();
            if (_outbox.CanDrop && state.RecordExists)
            {
                await Save(_data.Copy());
            }
        }
        catch (Exception exception)
        {
            // Nothing is lost: the changes stay in the row, and the next write or activation drops them. The type only:
            // storage exceptions name the grain, whose key is the pseudonym.
            logger.LogWarning("Could not drop delivered changes from a shopper's outbox ({ExceptionType})", exception.GetType().Name);
        }
    }

    private async Task<TurnHeld> TakeTurn()
    {
        await _turn.WaitAsync();
        if (_failedWrite is { } failure)
        {
            _turn.Release();
            throw new TransientFailureException("This shopper's grain is going away after a failed write; send the request again.", failure);
        }
        return new TurnHeld(_turn);
    }

    private sealed record WaitingBatch(IReadOnlyList<BehaviourEvent> Events, TaskCompletionSource Done);

    private readonly struct TurnHeld(SemaphoreSlim turn) : IDisposable
    {
        public void Dispose() => turn.Release();
    }

    private static EventKind ToKind(EventType type) => type switch
    {
        EventType.View => EventKind.View,
        EventType.Cart => EventKind.Cart,
        EventType.Purchase => EventKind.Purchase,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
