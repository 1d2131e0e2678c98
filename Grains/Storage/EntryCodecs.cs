using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Grains.Storage;

/// <summary>How the entries of the aggregate grains' stored maps are written: ids as UTF-8, counts and versions as 7-bit varints.</summary>
public static class EntryCodecs
{
    /// <summary>An item's co-occurrence counts, by co-item id.</summary>
    public static readonly IEntryCodec<string, int> CoOccurrence = new Counts();

    /// <summary>The delivery ids an item applied, each with the item's version when it was applied.</summary>
    public static readonly IEntryCodec<Guid, long> DeliveryIds = new Deliveries();

    /// <summary>An index shard's stats, by item id.</summary>
    public static readonly IEntryCodec<string, ItemStats> IndexStats = new Stats();

    private static void WriteId(BinaryWriter writer, string id) => writer.Write(id);

    /// <summary>Ids name the same items row after row: pooled, as the messages' ids are.</summary>
    private static string ReadId(BinaryReader reader) => PooledIds.Decode(reader.ReadBytes(reader.Read7BitEncodedInt()));

    private sealed class Counts : IEntryCodec<string, int>
    {
        public void WriteKey(BinaryWriter writer, string key) => WriteId(writer, key);

        public string ReadKey(BinaryReader reader) => ReadId(reader);

        // A count can be below zero for a moment, when a retraction overtakes the change it retracts.
        public void WriteValue(BinaryWriter writer, int value) => writer.Write7BitEncodedInt(value);

        public int ReadValue(BinaryReader reader, string key) => reader.Read7BitEncodedInt();
    }

    private sealed class Deliveries : IEntryCodec<Guid, long>
    {
        public void WriteKey(BinaryWriter writer, Guid key)
        {
            Span<byte> bytes = stackalloc byte[16];
            key.TryWriteBytes(bytes);
            writer.Write(bytes);
        }

        public Guid ReadKey(BinaryReader reader) => new(reader.ReadBytes(16));

        public void WriteValue(BinaryWriter writer, long value) => writer.Write7BitEncodedInt64(value);

        public long ReadValue(BinaryReader reader, Guid key) => reader.Read7BitEncodedInt64();
    }

    private sealed class Stats : IEntryCodec<string, ItemStats>
    {
        public void WriteKey(BinaryWriter writer, string key) => WriteId(writer, key);

        public string ReadKey(BinaryReader reader) => ReadId(reader);

        public void WriteValue(BinaryWriter writer, ItemStats value)
        {
            writer.Write7BitEncodedInt64(value.Version);
            writer.Write7BitEncodedInt(value.Occurrence);
            writer.Write(value.PopularityLog2);
            writer.Write(value.NewestDay.HasValue);
            if (value.NewestDay is { } day) writer.Write7BitEncodedInt(day);
            writer.Write(value.Category is not null);
            if (value.Category is { } category) writer.Write(category);
            // Availability and whether terms follow share one byte: rows written before terms existed hold 0 or 1 there.
            writer.Write((byte)((value.Available ? 1 : 0) | (value.Terms is null ? 0 : 2)));
            if (value.Terms is { } terms) writer.Write(terms);
        }

        public ItemStats ReadValue(BinaryReader reader, string key)
        {
            var version = reader.Read7BitEncodedInt64();
            var occurrence = reader.Read7BitEncodedInt();
            var popularity = reader.ReadDouble();
            int? newestDay = reader.ReadBoolean() ? reader.Read7BitEncodedInt() : null;
            var category = reader.ReadBoolean() ? reader.ReadString() : null;
            var flags = reader.ReadByte();
            return new ItemStats(key, version, occurrence, popularity, newestDay, category,
                Available: (flags & 1) != 0, Terms: (flags & 2) != 0 ? reader.ReadString() : null);
        }
    }
}
