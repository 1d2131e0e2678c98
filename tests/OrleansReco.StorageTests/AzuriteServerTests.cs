using Azure.Data.Tables;
using OrleansReco.Testing;

namespace OrleansReco.StorageTests;

/// <summary>The fixture's own contract, on private servers so the shared one is left alone.</summary>
public sealed class AzuriteServerTests
{
    [Fact]
    public async Task Restart_serves_again_on_the_same_port_and_dispose_removes_the_folder()
    {
        string folder;
        await using (var azurite = await AzuriteServer.StartAsync(inMemory: true))
        {
            folder = azurite.DataDirectory;
            var port = azurite.Port;
            await new TableServiceClient(azurite.ConnectionString).CreateTableIfNotExistsAsync("BeforeRestart");

            await azurite.RestartAsync();

            Assert.Equal(port, azurite.Port);
            var tables = new List<string>();
            await foreach (var table in new TableServiceClient(azurite.ConnectionString).QueryAsync())
            {
                tables.Add(table.Name);
            }

            // In-memory persistence: the restart answered, and nothing survived it.
            Assert.Empty(tables);
            Assert.True(Directory.Exists(folder));
        }

        Assert.False(Directory.Exists(folder));
    }
}
