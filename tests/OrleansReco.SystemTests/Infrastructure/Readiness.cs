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
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or System.Net.Sockets.SocketException
                                           or Orleans.Runtime.Messaging.ConnectionFailedException
                                           or Orleans.Runtime.SiloUnavailableException or Orleans.Runtime.OrleansMessageRejectionException)
            {
                // Not listening yet (an Orleans client asked through a silo that is not back up yet fails to connect), or
                // the question could not be answered: while a killed silo's directory ranges move, a call to the
                // management grain can be cancelled or rejected, and is asked again.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"Timed out after {timeout} waiting for {what}.");
    }

    public static Task HttpOk(HttpClient http, string url, TimeSpan timeout, Func<bool>? givenUp = null) =>
        Until(url, async () => (await http.GetAsync(url)).IsSuccessStatusCode, timeout, givenUp);
}
