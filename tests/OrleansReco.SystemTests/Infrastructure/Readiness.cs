namespace OrleansReco.SystemTests.Infrastructure;

/// <summary>Waits for a condition by polling it, with a bound: start-up of a real process has no event to await.</summary>
public static class Readiness
{
    public static async Task Until(string what, Func<Task<bool>> condition, TimeSpan timeout, Func<bool>? givenUp = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (givenUp?.Invoke() == true) throw new InvalidOperationException($"Gave up waiting for {what}: the process exited.");
            try
            {
                if (await condition()) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or System.Net.Sockets.SocketException
                                           or Orleans.Runtime.Messaging.ConnectionFailedException)
            {
                // Not listening yet (an Orleans client asked through a silo that is not back up yet fails to connect).
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"Timed out after {timeout} waiting for {what}.");
    }

    public static Task HttpOk(HttpClient http, string url, TimeSpan timeout, Func<bool>? givenUp = null) =>
        Until(url, async () => (await http.GetAsync(url)).IsSuccessStatusCode, timeout, givenUp);
}
