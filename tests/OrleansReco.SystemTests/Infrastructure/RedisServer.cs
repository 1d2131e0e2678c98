using System.Net.Sockets;
using System.Text;

namespace OrleansReco.SystemTests.Infrastructure;

/// <summary>A real redis-server on a free loopback port, with nothing saved to disk; stopped on dispose.</summary>
public sealed class RedisServer : IDisposable
{
    private readonly ManagedProcess _process;

    private RedisServer(int port, ManagedProcess process)
    {
        Port = port;
        _process = process;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> Start(string logDirectory)
    {
        var port = FreePorts.Next();
        var process = new ManagedProcess(
            "redis", "redis-server",
            ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            new Dictionary<string, string>(), logDirectory);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException("redis-server is not installed (apt-get install -y redis-server).", e);
        }
        var server = new RedisServer(port, process);
        await Readiness.Until("redis PING", server.Ping, TimeSpan.FromSeconds(20), () => !process.IsRunning);
        return server;
    }

    private async Task<bool> Ping()
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("PING\r\n"));
        var buffer = new byte[16];
        var read = await stream.ReadAsync(buffer);
        return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
    }

    public void Dispose() => _process.Dispose();
}
