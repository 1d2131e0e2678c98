using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;
using OrleansReco.Grains.Privacy;
using OrleansReco.Grains.Hosting;
using OrleansReco.Grains.Storage;
using OrleansReco.Grains.Users;

namespace OrleansReco.Benchmarks;

/// <summary>
/// What one shopper costs: the stored row (the sealed state, serialised and encrypted exactly as the user grain
/// writes it) and the grain's memory at rest, between calls (its decrypted state, which holds the history and the
/// event ids packed, and its embedding, measured on the managed heap over many users), for several history sizes and
/// numbers of event ids. Nothing decoded is counted: a call decodes what it needs and drops it. Item ids are six
/// characters, as in the Online Retail data.
/// </summary>
public static class UserFootprint
{
    private const int Users = 2_000;

    public static void Run()
    {
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer<UserData>>();
        var policy = HistoryPolicy.From(new ModelOptions());
        var factors = new ModelOptions().EmbeddingFactors;
        Console.WriteLine("history items | stored state (bytes) | in memory (bytes: state with packed history, event ids, embedding, outbox, vault)");
        foreach (var items in new[] { 10, 50, 200 })
        {
            var (stored, memory) = Measure(serializer, () => Shopper(items, eventIds: 0, policy, factors));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{items,13} | {stored,19:N0} | {memory,10:N0}"));
        }

        Console.WriteLine();
        Console.WriteLine("event ids held (10 history items) | stored state added (bytes) | in memory added (bytes)");
        var (plainStored, plainMemory) = Measure(serializer, () => Shopper(10, eventIds: 0, policy, factors));
        foreach (var eventIds in new[] { 10, 100, RecentEventIds.Capacity })
        {
            var (stored, memory) = Measure(serializer, () => Shopper(10, eventIds, policy, factors));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{eventIds,33} | {stored - plainStored,26:N0} | {memory - plainMemory,23:N0}"));
        }
    }

    /// <summary>
    /// The sealed row of one shopper, and the managed heap per shopper over <see cref="Users"/> of them. A method of
    /// its own so that nothing of one measurement is alive at the next: when this loop sat in the caller, the list of
    /// the previous size stayed reachable from a stack slot until the next one replaced it, and each figure came out
    /// as the difference from the one before (9,696 bytes at 50 items instead of 12,9xx).
    /// </summary>
    private static (long Stored, long Memory) Measure(Serializer<UserData> serializer, Func<(UserData Stored, object Resident)> shopper)
    {
        var plaintext = serializer.SerializeToArray(shopper().Stored);
        var sealedBytes = EnvelopeEncryption.Seal(EnvelopeEncryption.NewKey(), plaintext, EnvelopeEncryption.UserStateContext("user/0123456789abcdef", 1));

        var before = HeapInUse();
        var held = Enumerable.Range(0, Users).Select(_ => shopper().Resident).ToList();
        var after = HeapInUse();
        GC.KeepAlive(held);
        return (sealedBytes.Length, (after - before) / Users);
    }

    /// <summary>
    /// The managed heap in use after full blocking collections (GC.GetTotalMemory(true) stops collecting once two
    /// readings agree within 5%, which on these heaps is megabytes).
    /// </summary>
    private static long HeapInUse()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }

    /// <summary>
    /// A shopper's stored state, and what its grain holds at rest, field for field: the state as written last (history
    /// packed), the event ids (as they are stored, 12 bytes each), the embedding folded in against the model, the empty
    /// outbox and the vault with the unwrapped data key. Conservatively, the memory key store behind the vault keeps
    /// its copy of the wrapped key in the same heap, and counts too.
    /// </summary>
    private static (UserData Stored, object Resident) Shopper(int items, int eventIds, HistoryPolicy policy, int factors)
    {
        var history = new UserHistory(policy);
        var start = 1_300_000_000L;
        for (var i = 0; i < items; i++)
        {
            history.Record((100_000 + i * 7).ToString("D6", CultureInfo.InvariantCulture), i % 3 == 0 ? EventKind.Purchase : EventKind.View, start + i * 3600);
        }
        var recentIds = new RecentEventIds();
        var now = DateTimeOffset.UnixEpoch.AddSeconds(start + items * 3600);
        for (var i = 0; i < eventIds; i++)
        {
            recentIds.TryRemember(Guid.NewGuid().ToString(), now);
        }
        var stored = new UserData { RecentEventIds = recentIds.Pack() };
        stored.SetPackedHistory(history.Pack());

        var resident = stored.Copy();
        resident.RecentEventIds = null; // the grain holds them in RecentEventIds only
        var vault = Vaults.For(GrainId.Create("user", Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())));
        vault.EnsureKeyAsync().GetAwaiter().GetResult();
        return (stored, new object[]
        {
            resident,
            RecentEventIds.Restore(stored.RecentEventIds),
            new UserEmbedding(1, new float[factors]),
            new UserOutbox(Deliveries, () => { }),
            vault,
        });
    }

    /// <summary>One per silo, shared by its shoppers: not counted.</summary>
    private static readonly DurableDeliveries<string, ItemMessage> Deliveries = new(
        "item", (_, _) => throw new NotSupportedException(), (_, _, _) => throw new NotSupportedException(), 1, 1, 1);

    private static readonly UserDataVaultFactory Vaults = new(
        new DictionaryUserKeyStore(),
        new MasterKeyRing(new MasterKeyOptions
        {
            CurrentKeyId = "bench",
            Keys = [new MasterKeyEntry { Id = "bench", Key = Convert.ToBase64String(new byte[32]) }],
        }),
        new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer<UserData>>());
}
