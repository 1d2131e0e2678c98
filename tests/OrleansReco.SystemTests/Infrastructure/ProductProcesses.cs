namespace OrleansReco.SystemTests.Infrastructure;

/// <summary>Environment for the real Silo and Gateway processes, as an operator would set it.</summary>
public sealed class ProductProcesses(string clusterId, string storageConnectionString, string logDirectory)
{
    public const string Pepper = "system-test-pepper";
    public const string MasterKeyId = "system-test-1";

    /// <summary>A fresh master key per test run; what it protects lives only as long as the test's Azurite.</summary>
    public static readonly string MasterKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public Dictionary<string, string> Common { get; } = new()
    {
        ["DOTNET_ENVIRONMENT"] = "Development",
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["Reco__Clustering__ClusterId"] = clusterId,
        ["Reco__Privacy__Pepper"] = Pepper,
        // Set as an operator would (environment, index 0), which also replaces the development key at index 0.
        ["Reco__Privacy__MasterKeys__CurrentKeyId"] = MasterKeyId,
        ["Reco__Privacy__MasterKeys__Keys__0__Id"] = MasterKeyId,
        ["Reco__Privacy__MasterKeys__Keys__0__Key"] = MasterKey,
        ["Reco__Storage__Provider"] = "AzureTable",
        ["Reco__Storage__ConnectionString"] = storageConnectionString,
        // Failure detection as the product sets it: what the silo-failure test measures is what production gets.
    };

    public string LogDirectory => logDirectory;

    public ManagedProcess Silo(string name, int siloPort, int gatewayPort, bool hostGateway, int? httpPort = null, IReadOnlyDictionary<string, string>? extra = null)
    {
        var environment = new Dictionary<string, string>(Common)
        {
            ["Reco__Silo__SiloPort"] = siloPort.ToString(),
            ["Reco__Silo__GatewayPort"] = gatewayPort.ToString(),
            ["Reco__Silo__HostGateway"] = hostGateway ? "true" : "false",
        };
        if (httpPort is { } port) environment["RECO_PORT"] = port.ToString();
        foreach (var (key, value) in extra ?? new Dictionary<string, string>()) environment[key] = value;
        return ManagedProcess.Dotnet(name, RepoPaths.SiloDll, environment, logDirectory);
    }

    public ManagedProcess Gateway(string name, int httpPort, IReadOnlyDictionary<string, string> clustering)
    {
        var environment = new Dictionary<string, string>(Common) { ["RECO_PORT"] = httpPort.ToString() };
        foreach (var (key, value) in clustering) environment[key] = value;
        return ManagedProcess.Dotnet(name, RepoPaths.GatewayDll, environment, logDirectory);
    }
}
