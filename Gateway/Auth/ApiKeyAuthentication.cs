using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OrleansReco.Gateway.Metrics;
using OrleansReco.Gateway.RateLimiting;

namespace OrleansReco.Gateway.Auth;

/// <summary>Options of <see cref="ApiKeyAuthenticationHandler"/>'s schemes.</summary>
public sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>
    /// Set, the scheme also takes the key as the password of HTTP Basic authentication (the user name is ignored) and
    /// challenges with Basic in this realm: a browser cannot send the X-Api-Key header, but it asks for Basic
    /// credentials itself and sends them again with the page's own requests. Only the dashboard's scheme sets it.
    /// </summary>
    public string? BasicRealm { get; set; }
}

/// <summary>
/// Authenticates the <c>X-Api-Key</c> header (and, where <see cref="ApiKeyAuthenticationOptions.BasicRealm"/> is set,
/// a key sent as HTTP Basic password); challenge (401) and forbid (403) answer with problem details and spend one of
/// the client address's failures (<see cref="AuthFailureLimiter"/>).
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<ApiKeyAuthenticationOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore store,
    AuthFailureLimiter failures)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var (presented, problem) = PresentedKey();
        if (problem is not null)
        {
            return Task.FromResult(AuthenticateResult.Fail(problem));
        }
        if (presented is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var entry = store.Find(presented);
        if (entry is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
        }
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, entry.Name), new Claim(ClaimTypes.Role, entry.Role)],
            Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    /// <summary>The key of the X-Api-Key header, else (where Basic is taken) of the Basic credentials; or why neither is usable.</summary>
    private (string? Key, string? Problem) PresentedKey()
    {
        if (Request.Headers.TryGetValue(HeaderName, out var values) && values.Count > 0)
        {
            return values.Count > 1 || string.IsNullOrEmpty(values[0])
                ? (null, "Exactly one non-empty X-Api-Key header is required.")
                : (values[0], null);
        }
        if (Options.BasicRealm is null
            || !AuthenticationHeaderValue.TryParse(Request.Headers.Authorization.ToString(), out var authorization)
            || !string.Equals(authorization.Scheme, "Basic", StringComparison.OrdinalIgnoreCase))
        {
            return (null, null);
        }
        // RFC 7617: base64 of "user-id:password" in UTF-8; the password runs from the first colon to the end.
        var bytes = new byte[authorization.Parameter?.Length ?? 0];
        if (!Convert.TryFromBase64String(authorization.Parameter ?? "", bytes, out var length))
        {
            return (null, "Basic credentials must be base64.");
        }
        var credentials = Encoding.UTF8.GetString(bytes, 0, length);
        var colon = credentials.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 || colon == credentials.Length - 1
            ? (null, "Basic credentials must be user:key with a non-empty key.")
            : (credentials[(colon + 1)..], null);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        failures.RecordFailure(Context);
        GatewayMetrics.AuthFailure(StatusCodes.Status401Unauthorized);
        var apiKeyChallenge = $"{SchemeName} header=\"{HeaderName}\"";
        if (Options.BasicRealm is { } realm)
        {
            // Basic first: a browser answers the challenge it knows and ignores the other.
            Response.Headers.WWWAuthenticate = new[] { $"Basic realm=\"{realm}\", charset=\"UTF-8\"", apiKeyChallenge };
        }
        else
        {
            Response.Headers.WWWAuthenticate = apiKeyChallenge;
        }
        return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Missing or unknown API key",
                detail: Options.BasicRealm is null
                    ? $"Send a valid key in the {HeaderName} header."
                    : $"Send a valid key in the {HeaderName} header, or as the password of HTTP Basic authentication.")
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
