using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;
using OrleansReco.Grains.Privacy;
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
        Console.WriteLine("history items | stored state (bytes) | in memory (bytes, grain state with packed history and event ids + embedding)");
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
    private static (long Stored, long Memory) Measure(Serializer<UserData> serializer, Func<(UserData Data, object Live)> shopper)
    {
        var plaintext = serializer.SerializeToArray(shopper().Data);
        var sealedBytes = EnvelopeEncryption.Seal(EnvelopeEncryption.NewKey(), plaintext, EnvelopeEncryption.UserStateContext("user/0123456789abcdef", 1));

        var before = HeapInUse();
        var held = Enumerable.Range(0, Users).Select(_ => shopper()).ToList();
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
    /// A shopper as the grain holds one at rest: its state, with the history and event ids packed in it as they are
    /// stored, and the embedding folded in against the model.
    /// </summary>
    private static (UserData Data, object Live) Shopper(int items, int eventIds, HistoryPolicy policy, int factors)
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
        var data = new UserData { RecentEventIds = recentIds.Pack() };
        data.SetPackedHistory(history.Pack());
        return (data, new UserEmbedding(1, new float[factors]));
    }
}
