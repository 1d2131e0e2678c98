using System.Text;
using Orleans.Runtime;
using OrleansReco.Grains.Storage;

namespace OrleansReco.StorageTests;

/// <summary>Key rules checked on the encoder itself, because Azurite is more lenient than Azure about keys.</summary>
public sealed class TableKeyEncoderTests
{
    [Fact]
    public void Keys_hold_no_character_azure_tables_forbid_and_fit_in_1_KiB()
    {
        foreach (var id in AllIds())
        {
            AssertValidKey(TableKeyEncoder.PartitionKey("svc", id));
        }

        foreach (var stateName in KeyCases.Keys)
        {
            AssertValidKey(TableKeyEncoder.RowKey(stateName));
        }
    }

    [Theory]
    [InlineData("svc")]
    [InlineData("a|b")]
    [InlineData("~svc~")]
    public void A_services_range_holds_all_its_partition_keys_and_none_of_another_service(string serviceId)
    {
        var (from, to) = TableKeyEncoder.ServiceRange(serviceId);
        bool InRange(string key) => string.CompareOrdinal(key, from) >= 0 && string.CompareOrdinal(key, to) < 0;

        Assert.All(AllIds(), id => Assert.True(InRange(TableKeyEncoder.PartitionKey(serviceId, id))));
        foreach (var other in new[] { serviceId + "x", serviceId + "|", serviceId + "~", serviceId[..^1], "x" + serviceId })
        {
            Assert.All(AllIds(), id => Assert.False(InRange(TableKeyEncoder.PartitionKey(other, id))));
        }
    }

    [Fact]
    public void Distinct_grain_ids_get_distinct_partition_keys()
    {
        var ids = AllIds().ToList();
        var keys = ids.Select(id => TableKeyEncoder.PartitionKey("svc", id)).ToList();

        Assert.Equal(ids.Distinct().Count(), keys.Distinct().Count());
    }

    [Fact]
    public void Distinct_state_names_get_distinct_row_keys()
    {
        var names = KeyCases.Keys.Distinct().ToList();

        Assert.Equal(names.Count, names.Select(TableKeyEncoder.RowKey).Distinct().Count());
    }

    [Fact]
    public void The_separator_cannot_be_forged_by_moving_it_between_type_service_and_key()
    {
        var keys = new[]
        {
            TableKeyEncoder.PartitionKey("svc", GrainId.Create("a|b", "c")),
            TableKeyEncoder.PartitionKey("svc", GrainId.Create("a", "b|c")),
            TableKeyEncoder.PartitionKey("svc|a", GrainId.Create("b", "c")),
            TableKeyEncoder.PartitionKey("svc", GrainId.Create("a", "b")),
        };

        Assert.Equal(keys.Length, keys.Distinct().Count());
    }

    [Fact]
    public void Random_ids_over_a_hostile_alphabet_never_collide_and_stay_valid()
    {
        // Fixed seed: the same cases on every run.
        var random = new Random(20240611);
        var alphabet = "ab/\\#?|~!0F\u0000\u001F\u007F\u0085日🎉".EnumerateRunes().Select(r => r.ToString()).ToArray();
        var ids = new HashSet<string>();
        while (ids.Count < 5000)
        {
            var id = string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => alphabet[random.Next(alphabet.Length)]));
            if (!string.IsNullOrWhiteSpace(id))
            {
                ids.Add(id);
            }
        }

        var keys = new HashSet<string>();
        foreach (var id in ids)
        {
            var key = TableKeyEncoder.PartitionKey("svc", GrainId.Create("testgrain", id));
            AssertValidKey(key);
            Assert.True(keys.Add(key), $"collision for id of length {id.Length}");
        }
    }

    [Fact]
    public void Ordinary_ids_stay_readable()
    {
        Assert.Equal("svc|user|3f2a", TableKeyEncoder.PartitionKey("svc", GrainId.Create("user", "3f2a")));
        Assert.Equal("state", TableKeyEncoder.RowKey("state"));
    }

    internal static IEnumerable<GrainId> AllIds() =>
        KeyCases.GrainKeys.Select(k => GrainId.Create("testgrain", k))
            .Concat(KeyCases.RawByteIds)
            .Concat(KeyCases.GrainKeys.Take(25).Select(k => GrainId.Create("test/" + k, "key")));

    private static void AssertValidKey(string key)
    {
        Assert.DoesNotContain(key, TableKeyEncoder.IsForbidden);
        Assert.True(Encoding.UTF8.GetByteCount(key) <= 1024, $"{Encoding.UTF8.GetByteCount(key)} UTF-8 bytes");
        Assert.True(key.Length * 2 <= 1024, $"{key.Length} UTF-16 code units");
        Assert.Empty(LoneSurrogates(key));
    }

    private static IEnumerable<char> LoneSurrogates(string key)
    {
        for (var i = 0; i < key.Length; i++)
        {
            if (char.IsHighSurrogate(key[i]) && i + 1 < key.Length && char.IsLowSurrogate(key[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(key[i]))
            {
                yield return key[i];
            }
        }
    }
}
