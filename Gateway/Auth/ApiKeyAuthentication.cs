using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OrleansReco.Gateway.Metrics;
using OrleansReco.Gateway.RateLimiting;

namespace OrleansReco.Gateway.Auth;

/// <summary>
/// Authenticates the <c>X-Api-Key</c> header; challenge (401) and forbid (403) answer with problem details and
/// spend one of the client address's failures (<see cref="AuthFailureLimiter"/>).
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore store,
    AuthFailureLimiter failures)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values) || values.Count == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (values.Count > 1 || string.IsNullOrEmpty(values[0]))
        {
            return Task.FromResult(AuthenticateResult.Fail("Exactly one non-empty X-Api-Key header is required."));
        }
        var entry = store.Find(values[0]!);
        if (entry is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
        }
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, entry.Name), new Claim(ClaimTypes.Role, entry.Role)],
            SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        failures.RecordFailure(Context);
        GatewayMetrics.AuthFailure(StatusCodes.Status401Unauthorized);
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{HeaderName}\"";
        return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Missing or unknown API key",
                detail: $"Send a valid key in the {HeaderName} header.")
            .ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        failures.RecordFailure(Context);
        GatewayMetrics.AuthFailure(StatusCodes.Status403Forbidden);
        return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Forbidden",
                detail: "This API key's role may not call this endpoint.")
            .ExecuteAsync(Context);
    }
}
