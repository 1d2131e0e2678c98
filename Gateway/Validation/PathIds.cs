using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing.Patterns;

namespace OrleansReco.Gateway.Validation;

/// <summary>
/// Reads an id from the request path exactly as the client percent-encoded it (RFC 3986: <c>/</c> as <c>%2F</c>,
/// <c>%</c> as <c>%25</c>), decoded once.
/// </summary>
/// <remarks>
/// The route value cannot be used: Kestrel decodes every escape except <c>%2F</c>, so the route value <c>a%2Fb</c>
/// comes from <c>a%2Fb</c> (the id <c>a/b</c>) and from <c>a%252Fb</c> (the id <c>a%2Fb</c>) alike, and one of
/// the two shoppers would be erased for the other. The raw request target still holds what the client sent.
/// </remarks>
internal static class PathIds
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The id in the route parameter <paramref name="name"/>, or null with an error under that name.</summary>
    public static string? Read(HttpContext context, string name, FieldErrors errors)
    {
        var raw = RawSegment(context, name);
        if (raw is null)
        {
            errors.Add(name, "could not be read from the path exactly: the path must be in origin form without '.' or '..' segments");
            return null;
        }
        var id = Unescape(raw);
        if (id is null)
        {
            errors.Add(name, "must be percent-encoded UTF-8 (every '%' followed by two hex digits)");
            return null;
        }
        if (IdRules.CheckPathId(id) is { } problem)
        {
            errors.Add(name, problem);
            return null;
        }
        return id;
    }

    /// <summary>
    /// The raw path segment the parameter was routed from, or null when the raw path does not line up segment for
    /// segment with the routed one (Kestrel removed dot segments from it), or when the target is in absolute form.
    /// </summary>
    private static string? RawSegment(HttpContext context, string name)
    {
        var pattern = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern
            ?? throw new InvalidOperationException("Path ids are read only inside a routed endpoint.");
        var index = -1;
        for (var i = 0; i < pattern.PathSegments.Count; i++)
        {
            if (pattern.PathSegments[i].Parts is [RoutePatternParameterPart parameter] && parameter.Name == name)
            {
                index = i;
            }
        }
        if (index < 0)
        {
            throw new InvalidOperationException($"The route {pattern.RawText} has no segment {{{name}}}.");
        }

        var target = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        // Absolute form (http://host/path, sent to proxies) is refused: Kestrel decodes %2F in it, so a decoded
        // slash and a removed dot segment could line up a different segment with the parameter.
        if (!target.StartsWith('/'))
        {
            return null;
        }
        var query = target.IndexOf('?');
        var rawSegments = (query < 0 ? target : target[..query]).Split('/');
        // Both start with an empty segment before the first '/'; the routed path follows the path base.
        var routed = (context.Request.PathBase + context.Request.Path).Value ?? "";
        var routedSegments = routed.Split('/');
        if (rawSegments.Length != routedSegments.Length)
        {
            return null;
        }
        var pathBaseSegments = context.Request.PathBase.HasValue ? context.Request.PathBase.Value!.Split('/').Length - 1 : 0;
        return rawSegments[1 + pathBaseSegments + index];
    }

    /// <summary>
    /// Percent-decodes once, strictly: a '%' without two hex digits, a byte outside ASCII or escapes that are not
    /// UTF-8 make it null rather than being kept as text (which would address some other id).
    /// </summary>
    private static string? Unescape(string segment)
    {
        var bytes = new byte[segment.Length];
        var count = 0;
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if (c == '%')
            {
                if (i + 2 >= segment.Length
                    || !byte.TryParse(segment.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var escaped))
                {
                    return null;
                }
                bytes[count++] = escaped;
                i += 2;
            }
            else if (c > 0x7F)
            {
                return null;
            }
            else
            {
                bytes[count++] = (byte)c;
            }
        }
        try
        {
            return StrictUtf8.GetString(bytes, 0, count);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
