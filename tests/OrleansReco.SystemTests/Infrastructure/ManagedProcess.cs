using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OrleansReco.SystemTests.Infrastructure;

/// <summary>
/// A child process of a test: output goes to a log file (for a human reading a failure, never asserted on),
/// and it can be stopped gracefully (SIGTERM), killed hard (SIGKILL) or started again with the same settings.
/// </summary>
public sealed class ManagedProcess : IDisposable
{
    private readonly ProcessStartInfo _startInfo;
    private readonly string _logPath;
    private Process? _process;
    private StreamWriter? _log;

    public ManagedProcess(string name, string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string logDirectory)
    {
        Name = name;
        _logPath = Path.Combine(logDirectory, name + ".log");
        _startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var argument in arguments) _startInfo.ArgumentList.Add(argument);
        foreach (var (key, value) in environment) _startInfo.Environment[key] = value;
    }

    public string Name { get; }

    public bool IsRunning => _process is { HasExited: false };

    public static ManagedProcess Dotnet(string name, string dll, IReadOnlyDictionary<string, string> environment, string logDirectory) =>
        new(name, "dotnet", [dll], environment, logDirectory);

    public void Start()
    {
        _log = new StreamWriter(File.Open(_logPath, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        _process = Process.Start(_startInfo) ?? throw new InvalidOperationException($"Could not start {Name}");
        _process.OutputDataReceived += (_, e) => Write(e.Data);
        _process.ErrorDataReceived += (_, e) => Write(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash.</summary>
    public void Kill()
    {
        if (!IsRunning) return;
        _process!.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM and wait for the process to finish its graceful shutdown; returns its exit code.</summary>
    public async Task<int> StopGracefully(TimeSpan timeout)
    {
        if (!IsRunning) return _process?.ExitCode ?? 0;
        _ = SendSignal(_process!.Id, Sigterm);
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"{Name} did not stop within {timeout} of SIGTERM");
        }
        return _process.ExitCode;
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        _log?.Dispose();
    }

    private void Write(string? line)
    {
        if (line is null) return;
        lock (_startInfo) _log?.WriteLine(line);
    }

    private const int Sigterm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
