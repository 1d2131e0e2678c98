using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Serialization;
using OrleansReco.Grains.Hosting;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;
using OrleansReco.Grains.Storage;

namespace OrleansReco.Grains.Items;

/// <summary>
/// One product: catalogue data, aggregates over all current histories, and its neighbourhood, recomputed on read
/// when older than <see cref="ModelOptions.NeighbourhoodMaxAge"/> and anything it depends on changed. Changes apply in
/// memory at once (what the next reader sees) and are written in checkpoints, at most one per
/// <see cref="DeliveryOptions.CheckpointInterval"/>; a sender's change counts as delivered once a checkpoint holds it
/// and the stats it moved are durable in the item's index shard. Reentrant so that many users' changes share one
/// checkpoint; every mutation happens between awaits, on the grain's single thread.
/// </summary>
[Reentrant]
public sealed class ItemGrain(
    IAggregateRowStore store,
    Serializer<AggregateHead<ItemHeader>> heads,
    IOptions<ModelOptions> options,
    IOptions<DeliveryOptions> delivery,
    TimeProvider time,
    DurableDeliveries<int, ItemStats> indexReports,
    ILogger<ItemGrain> logger) : Grain, IItemGrain
{
    /// <summary>
    /// Delivery ids remembered at most. Senders say when an id may be forgotten; only a crash between a sender's write
    /// and its word leaves one behind, so this bound is met only after many such crashes, and then the oldest go first.
    /// </summary>
    private const int MaxRememberedDeliveries = 1 << 16;

    /// <summary>Versions an activation may use per millisecond of its life before a successor could repeat one.</summary>
    private const long VersionsPerMillisecond = 1_000;

    private const int ReportAttempts = 5;
    private static readonly TimeSpan ReportRetryPause = TimeSpan.FromSeconds(1);

    private readonly ModelOptions _options = options.Value;
    private readonly StoredMap<string, int> _coOccurrence = new(EntryCodecs.CoOccurrence, StringComparer.Ordinal);

    /// <summary>The delivery ids applied and not yet forgotten, each with the item's version when it was applied.</summary>
    private readonly StoredMap<Guid, long> _deliveries = new(EntryCodecs.DeliveryIds);

    private AggregateRows<ItemHeader> _rows = null!;
    private CheckpointSchedule _checkpoints = null!;
    private ItemAggregates _aggregates = null!;
    private ItemNeighbourhoodCache _neighbourhood = null!;

    private byte[]? _deliveryHashInput;

    /// <summary>The catalogue terms of <see cref="ItemHeader.Details"/>, joined (null: no text), made once per upsert.</summary>
    private string? _terms;

    /// <summary>The latest stats report, until the index shard holds it durably.</summary>
    private Task _reported = Task.CompletedTask;

    private string ItemId => this.GetPrimaryKeyString();

    private ItemHeader Header => _rows.Header;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var owner = new RowOwner("item", ItemId);
        _rows = new AggregateRows<ItemHeader>(store, owner, heads, _coOccurrence, _deliveries);
        await _rows.LoadAsync();
        _aggregates = new ItemAggregates(Header.Occurrence, _coOccurrence.Current, Header.PopularityMilliWeights);
        _checkpoints = new CheckpointSchedule(time, delivery.Value.CheckpointInterval, store.CheckpointPhase(owner), delivery.Value.CheckpointChanges, Checkpoint, DeactivateOnIdle);
        _neighbourhood = new ItemNeighbourhoodCache(_options, GrainFactory, ItemId);
        _terms = TermsOf(Header.Details);
        // An activation that ended without its last checkpoint may have reported stats (and versions) its rows never
        // held, or held rows whose report never arrived: start above any version it can have given, and report what
        // storage holds. The clock bounds the versions of earlier activations, which count up from their own start.
        Header.Version = Math.Max(Header.Version, time.GetUtcNow().ToUnixTimeMilliseconds() * VersionsPerMillisecond);
        if (Header.Details is not null || Header.Occurrence != 0)
        {
            ReportStats(urgent: false);
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            // Ids forgotten since the last checkpoint are written now, or the next activation would load them again.
            await _checkpoints.FlushAsync(evenIfUnchanged: _deliveries.Changes > 0);
        }
        catch (Exception exception)
        {
            // Nothing is lost: whoever waits for the checkpoint delivers again.
            logger.LogWarning("An item grain could not write its last checkpoint on deactivation ({ExceptionType})", exception.GetType().Name);
        }
    }

    public async Task Upsert(ItemDetails details)
    {
        Header.Details = details;
        _terms = TermsOf(details);
        Header.Version++;
        ReportStats(urgent: true);
        await _checkpoints.WhenDurable(_checkpoints.Changed(), urgent: true);
    }

    public Task<ItemDetails?> GetDetails() => Task.FromResult(Header.Details);

    public Task<CheckpointReceipt> Apply(IReadOnlyList<ItemContribution> contributions, IReadOnlyList<Guid> forgotten)
    {
        // Forgetting alone does not call for a checkpoint: the ids leave storage with the next one.
        foreach (var id in forgotten)
        {
            _deliveries.Remove(StoredDeliveryId(id));
        }

        var statsChanged = false;
        var changes = 0;
        foreach (var contribution in contributions)
        {
            var deliveryId = StoredDeliveryId(contribution.DeliveryId);
            if (_deliveries.Current.ContainsKey(deliveryId))
            {
                continue; // a redelivery: its receipt below covers the checkpoint that took it the first time
            }
            var coItemsBefore = _coOccurrence.Changes;
            statsChanged |= _aggregates.Apply(
                contribution.OccurrenceDelta,
                contribution.CoItems,
                contribution.Popularity.Select(p => KeyValuePair.Create(p.Day, p.MilliWeight)),
                _coOccurrence.MarkChanged);
            _deliveries.Set(deliveryId, Header.Version);
            changes += 1 + _coOccurrence.Changes - coItemsBefore;
        }
        if (changes == 0)
        {
            return Task.FromResult(_checkpoints.Receipt);
        }

        Header.Occurrence = _aggregates.Occurrence;
        Header.Version++;
        ForgetOldestBeyondBound();
        if (statsChanged)
        {
            ReportStats(urgent: false);
        }
        return Task.FromResult(_checkpoints.Changed(changes));
    }

    public Task WaitDurable(CheckpointReceipt receipt, bool urgent) => _checkpoints.WhenDurable(receipt, urgent);

    public async Task<IReadOnlyList<Neighbour>> GetNeighbours(int count)
    {
        var neighbourhood = await _neighbourhood.Get(_aggregates, Header.Version, _terms);
        return ToNeighbours(neighbourhood.Neighbours, count);
    }

    public async Task<ItemNeighbourhood> GetNeighbourhood(int count)
    {
        var neighbourhood = await _neighbourhood.Get(_aggregates, Header.Version, _terms);
        return new ItemNeighbourhood(ToNeighbours(neighbourhood.Neighbours, count), ToNeighbours(neighbourhood.NewByContent, count));
    }

    private static List<Neighbour> ToNeighbours(List<SimilarItem> items, int count) => items
        .Take(count)
        .Select(n => new Neighbour(n.ItemId, n.Similarity, n.Support, n.Category, Available: true, n.Content))
        .ToList();

    private static string? TermsOf(ItemDetails? details) =>
        details is null ? null : ContentText.Join(ContentText.Terms(details.Title, details.Category, details.Tags));

    public Task<ItemCounts> GetCounts() => Task.FromResult(new ItemCounts(
        _aggregates.Occurrence,
        new Dictionary<string, int>(_aggregates.CoOccurrence),
        new Dictionary<int, long>(_aggregates.PopularityMilliWeights)));

    /// <summary>The rows and the stats they imply, both durable: what a checkpoint promises its waiters.</summary>
    private Task Checkpoint() => Task.WhenAll(_rows.CheckpointAsync(), ReportedDurably());

    /// <summary>
    /// Stats are absolute and versioned: sending the current ones again is always right. A shard on a silo that died
    /// is back on another within seconds, so the report is tried a few times before the checkpoint gives up (and the
    /// item, deactivating, makes its senders deliver again).
    /// </summary>
    private async Task ReportedDurably()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _reported;
                return;
            }
            catch (Exception exception) when (attempt < ReportAttempts)
            {
                logger.LogDebug("An index report failed ({ExceptionType}); reporting again", exception.GetType().Name);
                await Task.Delay(ReportRetryPause);
                ReportStats(urgent: false);
            }
        }
    }

    private void ReportStats(bool urgent)
    {
        var details = Header.Details;
        var stats = new ItemStats(
            ItemId,
            Header.Version,
            _aggregates.Occurrence,
            _aggregates.PopularityLog2(_options.HalfLife),
            _aggregates.NewestDay,
            details?.Category,
            details?.Available ?? true,
            _terms);
        _reported = indexReports.Deliver(ShardPlacement.Shard(ItemId, _options.IndexShards), stats, urgent);
    }

    /// <summary>
    /// A change's delivery id as this item stores it: hashed with the item's id, so that the rows of the items one change
    /// touched (a shopper's history) cannot be linked by a shared id.
    /// </summary>
    private Guid StoredDeliveryId(Guid deliveryId)
    {
        // A delivery id, then the item's id: the id part is written once per activation (one thread: no sharing).
        _deliveryHashInput ??= [.. new byte[16], .. Encoding.UTF8.GetBytes(ItemId)];
        deliveryId.TryWriteBytes(_deliveryHashInput);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(_deliveryHashInput, hash);
        return new Guid(hash[..16]);
    }

    private void ForgetOldestBeyondBound()
    {
        if (_deliveries.Current.Count <= MaxRememberedDeliveries)
        {
            return;
        }
        var oldest = _deliveries.Current.OrderBy(kv => kv.Value).Take(MaxRememberedDeliveries / 8).Select(kv => kv.Key).ToList();
        logger.LogWarning("An item grain remembers more than {Bound} delivery ids; forgetting the {Count} oldest", MaxRememberedDeliveries, oldest.Count);
        oldest.ForEach(_deliveries.Remove);
    }
}
