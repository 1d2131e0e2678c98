using System.Net;

namespace OrleansReco.Tools.Gateway;

/// <summary>The gateway refused a request (or kept refusing it after the retries): the tool stops with exit code 1.</summary>
public sealed class GatewayException(string message, HttpStatusCode? status = null) : Exception(message)
{
    public HttpStatusCode? Status { get; } = status;
}
