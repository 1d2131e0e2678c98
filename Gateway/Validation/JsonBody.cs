using System.Buffers;
using System.Text.Json;

namespace OrleansReco.Gateway.Validation;

/// <summary>
/// Reads a request body as a <see cref="JsonDocument"/> with the gateway's limits. Parsing by hand (instead of model
/// binding) is what lets every malformed body answer a precise 4xx instead of a generic or 500 response.
/// </summary>
internal static class JsonBody
{
    public const int MaxBytes = 1024 * 1024;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = 16,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
    };

    /// <param name="maxBytes">The endpoint's body limit; <see cref="MaxBytes"/> unless the endpoint's bodies are smaller.</param>
    public static async Task<(JsonDocument? Document, IResult? Problem)> ReadAsync(
        HttpRequest request, CancellationToken cancellationToken, int maxBytes = MaxBytes)
    {
        if (!request.HasJsonContentType())
        {
            return (null, TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type",
                detail: "The body must be JSON with Content-Type: application/json."));
        }
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        var buffer = new ArrayBufferWriter<byte>(Math.Min(maxBytes + 1, 16 * 1024));
        while (true)
        {
            var memory = buffer.GetMemory(16 * 1024);
            var read = await request.Body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                break;
            }
            buffer.Advance(read);
            // Chunked bodies have no Content-Length, so the limit is also enforced while reading.
            if (buffer.WrittenCount > maxBytes)
            {
                return (null, TooLarge(maxBytes));
            }
        }

        if (buffer.WrittenCount == 0)
        {
            return (null, BadJson("The body is empty."));
        }
        try
        {
            return (JsonDocument.Parse(buffer.WrittenMemory, DocumentOptions), null);
        }
        catch (JsonException e)
        {
            // The exception's message quotes body content, so only the position is reported.
            return (null, BadJson($"The body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})."));
        }
    }

    /// <summary>
    /// Reads the body and hands its root to <paramref name="parse"/>: the parsed value, or the first problem of either.
    /// The value must not hold on to the document, which is disposed here.
    /// </summary>
    public static async Task<(T? Value, IResult? Problem)> ParseAsync<T>(
        HttpRequest request, Func<JsonElement, (T? Value, IResult? Problem)> parse, CancellationToken cancellationToken, int maxBytes = MaxBytes)
    {
        var (document, problem) = await ReadAsync(request, cancellationToken, maxBytes);
        if (problem is not null)
        {
            return (default, problem);
        }
        using (document)
        {
            return parse(document!.RootElement);
        }
    }

    public static IResult TooLarge(int maxBytes = MaxBytes) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Request body too large",
        detail: $"The body must be at most {maxBytes} bytes.");

    private static IResult BadJson(string detail) => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: "Malformed JSON",
        detail: detail);
}
