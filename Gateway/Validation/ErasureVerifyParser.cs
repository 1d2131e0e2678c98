using System.Text.Json;

namespace OrleansReco.Gateway.Validation;

/// <summary>Validates a <c>POST /v1/admin/erasures/{receiptId}/verify</c> body: <c>{"userId": "..."}</c> under the rules for ids in paths, as for every user id.</summary>
internal static class ErasureVerifyParser
{
    public const int MaxBodyBytes = 4 * 1024;

    private static readonly HashSet<string> Allowed = new(StringComparer.OrdinalIgnoreCase) { "userId" };

    public static (string? UserId, IResult? Problem) Parse(JsonElement root)
    {
        var errors = new FieldErrors();
        string? userId = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add("$", "the body must be an object with a userId property");
        }
        else
        {
            var properties = JsonFields.ReadObject(root, "", Allowed, errors);
            userId = JsonFields.ReadId(properties, "userId", "", errors, required: true, pathId: true);
        }
        return errors.Any
            ? (null, TypedResults.ValidationProblem(errors.ToDictionary(), title: "Invalid request"))
            : (userId, null);
    }
}
