using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansReco.Grains.Model;
using OrleansReco.Grains.Privacy;
using OrleansReco.Grains.Users;

namespace OrleansReco.Benchmarks;

/// <summary>
/// What one shopper costs: the stored row (the sealed state, serialised and encrypted exactly as the user grain
/// writes it) and the grain's memory (its decrypted state, its history and its embedding, measured on the managed
/// heap over many users), for several history sizes. Item ids are six characters, as in the Online Retail data.
/// </summary>
public static class UserFootprint
{
    private const int Users = 2_000;

    public static void Run()
    {
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer<UserData>>();
        var policy = HistoryPolicy.From(new ModelOptions());
        var factors = new ModelOptions().EmbeddingFactors;
        Console.WriteLine("history items | stored state (bytes) | in memory (bytes, grain state + history + embedding)");
        foreach (var items in new[] { 10, 50, 200 })
        {
            var data = Shopper(items, policy, factors: null).Data;
            var plaintext = serializer.SerializeToArray(data);
            var sealedBytes = EnvelopeEncryption.Seal(EnvelopeEncryption.NewKey(), plaintext, EnvelopeEncryption.UserStateContext("user/0123456789abcdef", 1));

            var before = GC.GetTotalMemory(forceFullCollection: true);
            var held = Enumerable.Range(0, Users).Select(u => Shopper(items, policy, factors)).ToList();
            var after = GC.GetTotalMemory(forceFullCollection: true);
            GC.KeepAlive(held);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{items,13} | {sealedBytes.Length,19:N0} | {(after - before) / Users,10:N0}"));
        }
    }

    /// <summary>A shopper as the grain holds one: stored data, the live history rebuilt from it, and the embedding.</summary>
    private static (UserData Data, UserHistory History, float[]? Embedding) Shopper(int items, HistoryPolicy policy, int? factors)
    {
        var history = new UserHistory(policy);
        var start = 1_300_000_000L;
        for (var i = 0; i < items; i++)
        {
            history.Record((100_000 + i * 7).ToString("D6", CultureInfo.InvariantCulture), i % 3 == 0 ? EventKind.Purchase : EventKind.View, start + i * 3600);
        }
        var data = new UserData
        {
            History = history.Entries.Select(HistoryEntryState.From).ToList(),
            NewestEvent = history.NewestEvent,
        };
        var restored = UserHistory.Restore(policy, data.History.Select(h => h.ToEntry()), data.NewestEvent);
        return (data, restored, factors is { } f ? new float[f] : null);
    }
}
