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

    public static async Task<(JsonDocument? Document, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return (null, TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type",
                detail: "The body must be JSON with Content-Type: application/json."));
        }
        if (request.ContentLength > MaxBytes)
        {
            return (null, TooLarge());
        }

        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
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
            if (buffer.WrittenCount > MaxBytes)
            {
                return (null, TooLarge());
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

    public static IResult TooLarge() => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Request body too large",
        detail: $"The body must be at most {MaxBytes} bytes.");

    private static IResult BadJson(string detail) => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: "Malformed JSON",
        detail: detail);
}
