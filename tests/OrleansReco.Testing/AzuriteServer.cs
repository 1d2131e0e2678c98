using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace OrleansReco.Testing;

/// <summary>
/// An Azurite table service in its own process, on a free loopback port, over a fresh temporary folder.
/// Usable directly (<see cref="StartAsync"/>) or as an xunit class/collection fixture (a test project declares
/// <c>[CollectionDefinition(...)] class X : ICollectionFixture&lt;AzuriteServer&gt;</c>). Disposing kills the
/// process and deletes the folder.
/// </summary>
/// <remarks>
/// Azurite comes from the repository's package-lock.json: run <c>npm ci</c> at the repository root first.
/// State is persisted to the folder (as the local product runs it), so a test may <see cref="Kill"/> Azurite
/// and <see cref="RestartAsync"/> it over the same data to see what survives a crash.
/// </remarks>
public sealed class AzuriteServer : IAsyncLifetime, IAsyncDisposable, IDisposable
{
    /// <summary>Azurite's fixed development account; the key is public and documented by Microsoft.</summary>
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private const int PortAttempts = 3;

    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;
    private bool _disposed;

    /// <summary>Creates a server that is not running yet; xunit starts it through <see cref="InitializeAsync"/>.</summary>
    public AzuriteServer()
        : this(inMemory: false)
    {
    }

    // Private: xunit requires a fixture to have exactly one public constructor.
    private AzuriteServer(bool inMemory)
    {
        InMemory = inMemory;
        DataDirectory = Path.Combine(Path.GetTempPath(), "orleansreco-azurite-" + Guid.NewGuid().ToString("N"));
    }

    public bool InMemory { get; }

    /// <summary>Azurite's workspace folder (its database files live here).</summary>
    public string DataDirectory { get; }

    /// <summary>The table service port, known once started.</summary>
    public int Port { get; private set; }

    public Uri TableEndpoint => new($"http://127.0.0.1:{Port}/{AccountName}");

    /// <summary>A connection string for Azure.Data.Tables aimed at this server.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};TableEndpoint={TableEndpoint};";

    /// <summary>Starts a server outside xunit's fixture handling.</summary>
    /// <param name="inMemory">Pass <c>--inMemoryPersistence</c>: nothing is written to disk and nothing survives <see cref="RestartAsync"/>.</param>
    public static async Task<AzuriteServer> StartAsync(bool inMemory = false, CancellationToken cancellationToken = default)
    {
        var server = new AzuriteServer(inMemory);
        try
        {
            await server.StartOnFreePortAsync(cancellationToken);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    Task IAsyncLifetime.InitializeAsync() => StartOnFreePortAsync(CancellationToken.None);

    Task IAsyncLifetime.DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Kills the Azurite process at once, as a crash would; the data folder stays.</summary>
    public void Kill()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit();
        }
        finally
        {
            process.Dispose();
        }
    }

    /// <summary>
    /// Stops Azurite as an operator would, with Ctrl+C (SIGINT: it closes its servers and saves its data; it does not
    /// handle SIGTERM). Killed, it loses up to 5 s of writes (its database saves on a timer), which the table service
    /// it stands in for never does. The data folder stays.
    /// </summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                _ = SendSignal(process.Id, Sigint);
                using var cancel = new CancellationTokenSource(timeout);
                await process.WaitForExitAsync(cancel.Token);
            }
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Azurite did not stop within {timeout} of SIGINT.");
        }
        finally
        {
            process.Dispose();
        }
    }

    private const int Sigint = 2;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    /// <summary>Kills Azurite (if running) and starts it again on the same port over the same folder.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Kill();
        await StartAsync(Port, cancellationToken);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Kill();
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task StartOnFreePortAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartAsync(FreeLoopbackPort(), cancellationToken);
                return;
            }
            catch (AzuriteExitedException exception) when (attempt < PortAttempts && exception.Message.Contains("EADDRINUSE", StringComparison.Ordinal))
            {
                // Another process took the port between probing and binding: try another one.
            }
        }
    }

    private async Task StartAsync(int port, CancellationToken cancellationToken)
    {
        Port = port;
        Directory.CreateDirectory(DataDirectory);
        _output.Clear();
        var startInfo = new ProcessStartInfo(AzuriteExecutable())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = DataDirectory,
        };
        foreach (var argument in Arguments(port))
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo };
        // Pipes are drained continuously so Azurite never blocks on a full buffer; the tail explains failures.
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        try
        {
            process.Start();
        }
        catch (Exception exception)
        {
            process.Dispose();
            throw new InvalidOperationException(
                $"Could not start {startInfo.FileName}: {exception.Message}. Is Node.js on PATH and has `npm ci` been run at the repository root?", exception);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        try
        {
            await WaitUntilServingAsync(process, cancellationToken);
        }
        catch
        {
            Kill();
            throw;
        }
    }

    private IEnumerable<string> Arguments(int port)
    {
        yield return "--tableHost";
        yield return "127.0.0.1";
        yield return "--tablePort";
        yield return port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        yield return "--silent";
        yield return "--disableTelemetry";
        // Azurite refuses --location together with --inMemoryPersistence; it still runs in the folder.
        if (InMemory)
        {
            yield return "--inMemoryPersistence";
        }
        else
        {
            yield return "--location";
            yield return DataDirectory;
        }
    }

    /// <summary>Polls until the table endpoint answers HTTP (any status): then Azurite has loaded and is serving.</summary>
    private async Task WaitUntilServingAsync(Process process, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StartTimeout);
        while (true)
        {
            if (process.HasExited)
            {
                throw new AzuriteExitedException(
                    $"Azurite exited with code {process.ExitCode} before serving on port {Port}.{Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(TableEndpoint, deadline.Token);
                return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Azurite did not answer on port {Port} within {StartTimeout.TotalSeconds} s.{Tail()}");
            }

            try
            {
                await Task.Delay(PollInterval, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Azurite did not answer on port {Port} within {StartTimeout.TotalSeconds} s.{Tail()}");
            }
        }
    }

    private static string AzuriteExecutable()
    {
        var root = RepositoryRoot();
        var bin = Path.Combine(root, "node_modules", ".bin", OperatingSystem.IsWindows() ? "azurite-table.cmd" : "azurite-table");
        if (!File.Exists(bin))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed: {bin} does not exist. Run `npm ci` in {root} (Azurite is pinned in package-lock.json).");
        }

        return bin;
    }

    /// <summary>The folder holding OrleansReco.sln, found by walking up from the test binaries.</summary>
    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OrleansReco.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No OrleansReco.sln above {AppContext.BaseDirectory}; cannot locate node_modules.");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 40 && _output.TryDequeue(out _))
        {
        }
    }

    private string Tail() => _output.IsEmpty ? string.Empty : Environment.NewLine + string.Join(Environment.NewLine, _output);
}
