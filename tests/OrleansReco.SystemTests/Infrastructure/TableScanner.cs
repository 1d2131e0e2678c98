using System.Text;
using Azure.Data.Tables;

namespace OrleansReco.SystemTests.Infrastructure;

/// <summary>Reads every entity and every property of every table through the Table API, as an auditor would.</summary>
public sealed class TableScanner(string connectionString)
{
    private readonly TableServiceClient _service = new(connectionString);

    public async Task<List<(string Table, TableEntity Entity)>> All()
    {
        var all = new List<(string, TableEntity)>();
        await foreach (var table in _service.QueryAsync())
        {
            await foreach (var entity in _service.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                all.Add((table.Name, entity));
            }
        }
        return all;
    }

    /// <summary>Where <paramref name="text"/> appears, in any key or value, as UTF-8 or UTF-16 text.</summary>
    public async Task<List<string>> Occurrences(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        var utf16 = Encoding.Unicode.GetBytes(text);
        var found = new List<string>();
        foreach (var (table, entity) in await All())
        {
            foreach (var (name, value) in entity)
            {
                var hit = value switch
                {
                    string s => s.Contains(text, StringComparison.Ordinal),
                    byte[] b => b.AsSpan().IndexOf(utf8) >= 0 || b.AsSpan().IndexOf(utf16) >= 0,
                    BinaryData d => d.ToMemory().Span.IndexOf(utf8) >= 0 || d.ToMemory().Span.IndexOf(utf16) >= 0,
                    _ => value?.ToString()?.Contains(text, StringComparison.Ordinal) == true,
                };
                if (hit) found.Add($"{table}/{entity.PartitionKey}/{entity.RowKey}/{name}");
            }
        }
        return found;
    }
}
