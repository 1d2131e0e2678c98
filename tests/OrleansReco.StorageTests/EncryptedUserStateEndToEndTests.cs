using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Orleans.TestingHost;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Testing;

namespace OrleansReco.StorageTests;

/// <summary>
/// The real user grain on Azurite, configured from settings the way the silo host is: what an auditor reading every
/// table finds of a shopper while they are held, and after their erasure.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class EncryptedUserStateEndToEndTests(AzuriteServer azurite) : IAsyncLifetime
{
    // As AzureStorageCluster names them after the prefix.
    private const string StateTable = "EncryptedUserState";
    private const string KeyTable = "EncryptedUserKeys";
    private const string AggregateTable = "EncryptedUserAggregates";
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await AzureStorageCluster.StartAsync(azurite, "EncryptedUser");

    [Fact]
    public async Task Storage_holds_no_personal_value_in_plain_and_nothing_of_the_user_after_erasure()
    {
        var user = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var city = "Marker-" + Guid.NewGuid().ToString("N");
        var items = new[] { "item-" + Guid.NewGuid().ToString("N"), "item-" + Guid.NewGuid().ToString("N") };
        var grain = _cluster.Client.GetGrain<IUserGrain>(user);
        await grain.SetProfile(new Dictionary<string, string> { ["city"] = city });
        await grain.Record(items.Select(i => new BehaviourEvent(i, EventType.Purchase, DateTimeOffset.UtcNow)).ToList());
        await grain.WaitForDeliveries();

        var rows = await AllRows();
        Assert.Empty(Occurrences(rows, city));
        // Nothing outside the user's own rows names the user: item aggregates hold counts and random delivery ids.
        // (The state row's partition key is Orleans' layout, ..._user_{key}; the key store's the project's, ...|user|{key}.)
        Assert.Empty(Occurrences(rows.Where(r => !IsRowOf(r.Entity, user)), user));
        var userRows = rows.Where(r => IsRowOf(r.Entity, user)).ToList();
        Assert.Equal([KeyTable, StateTable], userRows.Select(r => r.Table).Order());
        Assert.Empty(Occurrences(userRows, items[0]));
        // The scan does find plain values: item ids are catalogue data, kept plain in the item aggregates.
        Assert.Contains($"{AggregateTable}/Data0", Occurrences(rows, items[0]));
        Assert.Equal("storage-tests-1", userRows.Single(r => r.Table == KeyTable).Entity.GetString("MasterKeyId"));

        await _cluster.DeactivateAsync(grain);
        var export = await grain.Export();
        Assert.NotNull(export);
        Assert.Equal(city, export.Profile["city"]);
        Assert.Equal(items.Order(), export.History.Select(h => h.ItemId).Order());

        await grain.Erase(new ErasureRequest(Guid.NewGuid(), "salt", "hash"));

        Assert.DoesNotContain(await AllRows(), r => r.Entity.PartitionKey.Contains(user, StringComparison.Ordinal));
    }

    private static bool IsRowOf(TableEntity row, string user) =>
        row.PartitionKey.EndsWith("_user_" + user, StringComparison.Ordinal) || row.PartitionKey.EndsWith("|user|" + user, StringComparison.Ordinal);

    private async Task<List<(string Table, TableEntity Entity)>> AllRows()
    {
        var service = new TableServiceClient(azurite.ConnectionString);
        var rows = new List<(string, TableEntity)>();
        foreach (var table in new[] { StateTable, KeyTable, AggregateTable })
        {
            await foreach (var entity in service.GetTableClient(table).QueryAsync<TableEntity>())
            {
                rows.Add((table, entity));
            }
        }

        return rows;
    }

    /// <summary>Where <paramref name="text"/> appears in any key or property, as text or as UTF-8 or UTF-16 bytes.</summary>
    private static List<string> Occurrences(IEnumerable<(string Table, TableEntity Entity)> rows, string text)
    {
        var forms = new[] { Encoding.UTF8.GetBytes(text), Encoding.Unicode.GetBytes(text) };
        var found = new List<string>();
        foreach (var (table, entity) in rows)
        {
            foreach (var (name, value) in entity)
            {
                var hit = value switch
                {
                    byte[] b => forms.Any(f => b.AsSpan().IndexOf(f) >= 0),
                    BinaryData d => forms.Any(f => d.ToMemory().Span.IndexOf(f) >= 0),
                    _ => value?.ToString()?.Contains(text, StringComparison.Ordinal) == true,
                };
                if (hit)
                {
                    found.Add($"{table}/{name}");
                }
            }
        }

        return found;
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();
}
