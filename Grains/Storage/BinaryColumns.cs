using Azure.Data.Tables;

namespace OrleansReco.Grains.Storage;

/// <summary>
/// Spreads an aggregate row's bytes over the binary columns Data0.. of one row (at most
/// <see cref="AggregateRowRules.MaxRowBytes"/>, four columns). A binary property holds at most 64 KiB and an entity at
/// most 1 MiB; reading stops at the first missing column, and takes up to 15 (what an entity could hold).
/// </summary>
internal static class BinaryColumns
{
    public const int ColumnBytes = 64 * 1024;
    private const int MaxColumns = 15;

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
