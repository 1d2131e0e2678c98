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

    [Fact]
    public void Grain_keys_handed_to_orleans_provider_make_valid_distinct_partition_keys()
    {
        // Orleans' provider builds {serviceId}_{type}/{key} and maps / \ # ? to _: what it then sends must be a valid key,
        // and distinct grains must give distinct keys. Grain types are the product's own, so only keys vary here.
        string OrleansPartitionKey(GrainId id) =>
            $"svc_{id.Type}/{TableKeyEncoder.GrainKey("svc", id)}".Replace('/', '_').Replace('\\', '_').Replace('#', '_').Replace('?', '_');

        var ids = KeyCases.GrainKeys.Select(k => GrainId.Create("testgrain", k)).Concat(KeyCases.RawByteIds).ToList();
        var keys = ids.Select(OrleansPartitionKey).ToList();

        Assert.All(keys, AssertValidKey);
        Assert.Equal(ids.Distinct().Count(), keys.Distinct().Count());
        Assert.Equal("plain", TableKeyEncoder.GrainKey("svc", GrainId.Create("user", "plain")));
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

    internal static IEnumerable<char> LoneSurrogates(string key)
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

/// <summary>The keys of aggregate rows: a partition per bucket of a service, and a row key prefix per owner.</summary>
public sealed class AggregateRowKeyTests
{
    private const int MaxName = 64;
    private static readonly string LongestName = new('z', MaxName);

    /// <summary>Hostile item ids (as the gateway accepts them: up to 128 characters), and long ones beyond.</summary>
    internal static IReadOnlyList<string> HostileKeys { get; } =
    [
        "a", "ab", "a|", "a|b", "a~", "a~007C", "a/b", "a\\b", "a#b", "a?b", "a%2Fb", "a%b", "a'b", "", " ",
        "~~", "~!FF~!", "\u00FC", "u\u0308", "日本語", "🎉", "\uD800", "\uDC00", "\uD800x", "\uFFFD",
        new string('/', 128), new string('|', 128), new string('~', 128), new string('日', 128),
        string.Concat(Enumerable.Repeat("🎉", 128)), new string('a', 128), new string('a', 127) + "b",
        new string('/', 200), new string('/', 200) + "a", new string('a', 1000), new string('a', 1000) + "b",
    ];

    [Fact]
    public void Row_keys_of_hostile_owners_hold_no_forbidden_character_and_fit_in_1_KiB()
    {
        foreach (var kind in new[] { "item", "index", new string('k', 64) })
        {
            foreach (var key in HostileKeys.Concat(KeyCases.Keys))
            {
                AssertValidKey(TableKeyEncoder.OwnerRowPrefix(kind, key, MaxName) + LongestName);
            }
        }
    }

    [Fact]
    public void No_owners_prefix_is_a_prefix_of_anothers_and_its_range_holds_only_its_own_rows()
    {
        var owners = HostileKeys.Concat(KeyCases.Keys).Distinct()
            .SelectMany(key => new[] { ("item", key), ("index", key), ("i", key), ("item.x", key) })
            .ToList();
        var prefixes = owners.Select(o => TableKeyEncoder.OwnerRowPrefix(o.Item1, o.Item2, MaxName)).ToList();

        Assert.Equal(owners.Count, prefixes.Distinct().Count());
        foreach (var prefix in prefixes)
        {
            var end = TableKeyEncoder.PrefixEnd(prefix);
            foreach (var other in prefixes.Where(p => p != prefix))
            {
                foreach (var rowKey in new[] { other + "head", other + "a", other + LongestName })
                {
                    Assert.False(string.CompareOrdinal(rowKey, prefix) >= 0 && string.CompareOrdinal(rowKey, end) < 0);
                }
            }

            Assert.True(string.CompareOrdinal(prefix + "head", end) < 0);
            Assert.True(string.CompareOrdinal(prefix + LongestName, end) < 0);
        }
    }

    [Fact]
    public void Lone_surrogates_stay_distinct_instead_of_becoming_U_FFFD()
    {
        var keys = new[] { "\uD800", "\uD801", "\uDC00", "\uFFFD" }.Select(k => TableKeyEncoder.OwnerRowPrefix("item", k, MaxName)).ToList();

        Assert.Equal(4, keys.Distinct().Count());
        Assert.All(keys, k => Assert.DoesNotContain(k, char.IsSurrogate));
    }

    [Fact]
    public void Partition_keys_are_the_service_and_a_fixed_width_bucket()
    {
        Assert.Equal("svc|0000", TableKeyEncoder.AggregatePartitionKey("svc", 0));
        Assert.Equal("svc|4095", TableKeyEncoder.AggregatePartitionKey("svc", 4095));
        Assert.Equal("a~007Cb|0007", TableKeyEncoder.AggregatePartitionKey("a|b", 7));
        AssertValidKey(TableKeyEncoder.AggregatePartitionKey(new string('/', 600), 12));
    }

    [Theory]
    [InlineData("item", "shoe-42", 64, 46)]
    [InlineData("index", "0", 64, 31)]
    [InlineData("item", "a", 4096, 2205)]
    [InlineData("item", "日本", 64, 7)]
    public void An_owners_bucket_never_changes(string kind, string key, int partitions, int bucket)
    {
        // Stored rows are found through it: a different hash would lose every owner's rows.
        Assert.Equal(bucket, AzureTableAggregateRowStore.Bucket(new RowOwner(kind, key), partitions));
    }

    [Fact]
    public void Ordinary_owners_stay_readable()
    {
        Assert.Equal("item|shoe-42|", TableKeyEncoder.OwnerRowPrefix("item", "shoe-42", MaxName));
        Assert.Equal("item|shoe-42}", TableKeyEncoder.PrefixEnd("item|shoe-42|"));
    }

    private static void AssertValidKey(string key)
    {
        Assert.DoesNotContain(key, TableKeyEncoder.IsForbidden);
        Assert.Empty(TableKeyEncoderTests.LoneSurrogates(key));
        Assert.True(Encoding.UTF8.GetByteCount(key) <= 1024, $"{Encoding.UTF8.GetByteCount(key)} UTF-8 bytes");
        Assert.True(key.Length * 2 <= 1024, $"{key.Length} UTF-16 code units");
    }
}
