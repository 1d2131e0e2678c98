using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OrleansReco.Benchmarks;

/// <summary>
/// The limit of a durable acknowledgement on a table service: an HTTP endpoint that, per request, writes one row the
/// size of a shopper's stored row and answers 202. It takes the product's event requests (POST /v1/events, one event
/// or an array; the first event's userId names the row), so that the same wrk scenario drives both, and writes the
/// row as the product's state store does: one request of one entity, a binary column, through Azure.Data.Tables.
/// It upserts (no ETag): nothing is simpler and still durable once the service answers.
/// </summary>
/// <remarks>
/// <c>one-write --port P --connection-string CS --body-bytes B [--table T]</c>: <c>B</c> is the size of the request
/// body to aim at (the JSON entity with the column in base64, which is what a table-service proxy measures), so the
/// binary column is sized to make the body about B bytes; a counting proxy in front shows what was actually sent.
/// </remarks>
public static class OneWrite
{
    public static async Task Run(string[] args)
    {
        var port = int.Parse(Option(args, "--port"), CultureInfo.InvariantCulture);
        var connectionString = Option(args, "--connection-string");
        var bodyBytes = int.Parse(Option(args, "--body-bytes"), CultureInfo.InvariantCulture);
        var tableName = OptionOrNull(args, "--table") ?? "OrleansRecoOneWrite";

        var table = new TableClient(connectionString, tableName);
        await table.CreateIfNotExistsAsync();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var accepted = Encoding.UTF8.GetBytes("{\"accepted\":1}");
        app.MapPost("/v1/events", async (HttpContext context) =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            var first = body.RootElement.ValueKind == JsonValueKind.Array ? body.RootElement[0] : body.RootElement;
            var partitionKey = "one-write|" + first.GetProperty("userId").GetString();
            var entity = new TableEntity(partitionKey, "user") { ["Data"] = Payload(bodyBytes, partitionKey) };
            await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, context.RequestAborted);
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(accepted, context.RequestAborted);
        });
        Console.WriteLine($"one-write: POST http://127.0.0.1:{port}/v1/events writes one row of ~{bodyBytes:N0} request bytes to table {tableName}");
        await app.RunAsync();
    }

    // The entity as the SDK sends it: {"PartitionKey":"..","RowKey":"user","Data":"<base64>","Data@odata.type":"Edm.Binary"};
    // the column is what is left of the target once the rest is counted. Payloads are cached by size: random bytes,
    // made once, so that a request costs the write and not the generator.
    private static readonly Dictionary<int, byte[]> Payloads = [];

    private static byte[] Payload(int bodyBytes, string partitionKey)
    {
        var envelope = Encoding.UTF8.GetByteCount(partitionKey) +
            "{\"PartitionKey\":\"\",\"RowKey\":\"user\",\"Data\":\"\",\"Data@odata.type\":\"Edm.Binary\"}".Length;
        var size = Math.Max(0, (bodyBytes - envelope) / 4 * 3);
        lock (Payloads)
        {
            if (!Payloads.TryGetValue(size, out var payload))
            {
                payload = RandomNumberGenerator.GetBytes(size);
                Payloads[size] = payload;
            }

            return payload;
        }
    }

    private static string Option(string[] args, string name) =>
        OptionOrNull(args, name) ?? throw new ArgumentException($"one-write needs {name}; usage: one-write --port P --connection-string CS --body-bytes B [--table T]");

    private static string? OptionOrNull(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
