using Azure.Data.Tables;

namespace OrleansReco.Grains.Storage;

/// <summary>
/// Spreads bytes over the binary columns Data0..Data14 of one row (aggregate rows use the first four). A binary
/// property holds at most 64 KiB and an entity at most 1 MiB, so 15 full columns (960 KiB) leave room for keys and
/// metadata.
/// </summary>
internal static class BinaryColumns
{
    public const int ColumnBytes = 64 * 1024;
    public const int MaxColumns = 15;
    public const int MaxStateBytes = ColumnBytes * MaxColumns;

    private static readonly string[] Names = Enumerable.Range(0, MaxColumns).Select(i => $"Data{i}").ToArray();

    /// <summary>Writes <paramref name="data"/> into the entity; the caller has checked the size.</summary>
    public static void Write(TableEntity entity, ReadOnlyMemory<byte> data)
    {
        for (var column = 0; column * ColumnBytes < data.Length; column++)
        {
            var start = column * ColumnBytes;
            entity[Names[column]] = data.Slice(start, Math.Min(ColumnBytes, data.Length - start)).ToArray();
        }
    }

    /// <summary>The concatenated columns, or null when the row holds no data.</summary>
    public static byte[]? Read(TableEntity entity)
    {
        var chunks = new List<byte[]>(MaxColumns);
        foreach (var name in Names)
        {
            // Columns are written contiguously from Data0, so the first missing one ends the state.
            if (!entity.TryGetValue(name, out var value) || value is null)
            {
                break;
            }

            chunks.Add(value switch
            {
                byte[] bytes => bytes,
                BinaryData binary => binary.ToArray(),
                // A client that drops type metadata reads binary columns back as base64 strings.
                string base64 => Convert.FromBase64String(base64),
                _ => throw new InvalidDataException($"Column {name} holds a {value.GetType().Name}, not binary state."),
            });
        }

        if (chunks.Count == 0)
        {
            return null;
        }

        var result = new byte[chunks.Sum(c => c.Length)];
        var offset = 0;
        foreach (var chunk in chunks)
        {
            chunk.CopyTo(result, offset);
            offset += chunk.Length;
        }

        return result;
    }
}
