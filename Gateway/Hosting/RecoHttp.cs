using System.Net;

namespace OrleansReco.Gateway.Hosting;

/// <summary>
/// Where a process that serves the API listens: <c>http://{Reco:Http:Address}:{RECO_PORT}</c>, read by the gateway
/// and by a silo that co-hosts the API, so scripts and images set the same two names whichever process serves it.
/// </summary>
public static class RecoHttp
{
    public const string AddressKey = "Reco:Http:Address";

    /// <summary>RECO_PORT rather than ASPNETCORE_URLS so the local scripts can run several processes side by side.</summary>
    public const string PortKey = "RECO_PORT";

    /// <summary>
    /// Loopback unless said otherwise: a developer's machine exposes nothing. A container sets <c>0.0.0.0</c> (or
    /// <c>+</c>), since its port is reached through its own network interface.
    /// </summary>
    public const string DefaultAddress = "localhost";

    public const int DefaultPort = 5080;

    public static string Url(IConfiguration configuration)
    {
        var address = configuration[AddressKey] is { } a ? a.Trim() : DefaultAddress;
        if (!(address is "localhost" or "+" or "*" || IPAddress.TryParse(address.Trim('[', ']'), out _)))
        {
            throw new InvalidOperationException(
                $"{AddressKey} must be localhost, an IP address (0.0.0.0 for every interface) or +, not '{address}'.");
        }
        if (address.Contains(':') && !address.StartsWith('['))
        {
            address = $"[{address}]"; // an IPv6 address in a URL
        }

        var portText = configuration[PortKey];
        var port = DefaultPort;
        if (portText is not null && (!int.TryParse(portText, out port) || port is < 1 or > 65535))
        {
            throw new InvalidOperationException($"{PortKey} must be a TCP port (1-65535), not '{portText}'.");
        }
        return $"http://{address}:{port}";
    }
}
