using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansReco.Grains.Model;
using OrleansReco.Grains.Users;

namespace OrleansReco.StorageTests;

/// <summary>
/// A user's history is sealed packed (field 7); rows sealed before that hold it as a list (field 0) and must still
/// read back whole, and a packed row must not carry the list as well.
/// </summary>
public sealed class UserDataFormatTests
{
    private const long T0 = 1_700_000_000;
    private static readonly HistoryPolicy Policy = HistoryPolicy.From(new ModelOptions());

    private readonly Serializer _serializer = new ServiceCollection()
        .AddSerializer(serializer => serializer.AddAssembly(typeof(UserData).Assembly).AddAssembly(typeof(UserDataBeforePacking).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    [Fact]
    public void A_row_sealed_before_packing_reads_back_whole()
    {
        var history = new UserHistory(Policy);
        history.Record("lamp", EventKind.View, T0);
        history.Record("商品", EventKind.Purchase, T0 + 60);
        history.Record("lamp", EventKind.Cart, T0 - 3600); // late: first seen before it was last seen
        var old = new UserDataBeforePacking
        {
            History = history.Entries.Select(HistoryEntryState.From).ToList(),
            NewestEvent = history.NewestEvent,
            Profile = new() { ["size"] = "M" },
            RecentEventIds = new byte[12],
        };

        var read = _serializer.Deserialize<UserData>(_serializer.SerializeToArray(old))!;

        Assert.Null(read.PackedHistory);
        var restored = UserHistory.Restore(Policy, read.GetPackedHistory());
        Assert.Equal(history.NewestEvent, restored.NewestEvent);
        Assert.Equal(
            history.Entries.Select(HistoryEntryState.From).OrderBy(e => e.ItemId, StringComparer.Ordinal),
            restored.Entries.Select(HistoryEntryState.From).OrderBy(e => e.ItemId, StringComparer.Ordinal));
        Assert.Equal("M", read.Profile["size"]);
        Assert.Equal(12, read.RecentEventIds!.Length);
    }

    [Fact]
    public void A_packed_row_reads_back_whole_and_is_no_longer_in_the_old_fields()
    {
        var history = new UserHistory(Policy);
        history.Record("lamp", EventKind.View, T0);
        var data = new UserData { History = [new HistoryEntryState("stale", 1, T0, T0, 1, 0, 0, 1000)], NewestEvent = T0 };

        data.SetPackedHistory(history.Pack());
        var bytes = _serializer.SerializeToArray(data);
        var read = _serializer.Deserialize<UserData>(bytes)!;
        var asOld = _serializer.Deserialize<UserDataBeforePacking>(bytes)!;

        Assert.Equal(history.Pack(), read.GetPackedHistory());
        Assert.Null(read.History);
        Assert.Empty(asOld.History ?? []); // an older build reads no history from it: see docs/storage.md
        Assert.Equal(long.MinValue, asOld.NewestEvent);
    }

    [Fact]
    public void A_new_user_has_the_empty_history()
    {
        var restored = UserHistory.Restore(Policy, new UserData().GetPackedHistory());

        Assert.Equal(0, restored.Count);
        Assert.Equal(long.MinValue, restored.NewestEvent);
    }
}

/// <summary>The sealed layout of <see cref="UserData"/> before its history was packed (same field ids).</summary>
[GenerateSerializer, Alias("OrleansReco.StorageTests.UserDataBeforePacking")]
public sealed class UserDataBeforePacking
{
    [Id(0)] public List<HistoryEntryState> History { get; set; } = [];
    [Id(1)] public long NewestEvent { get; set; } = long.MinValue;
    [Id(5)] public PendingChange? Outbox { get; set; }
    [Id(3)] public Dictionary<string, string> Profile { get; set; } = new(StringComparer.Ordinal);
    [Id(4)] public bool Personalization { get; set; } = true;
    [Id(6)] public byte[]? RecentEventIds { get; set; }
}
