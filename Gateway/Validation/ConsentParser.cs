using System.Text.Json;

namespace OrleansReco.Gateway.Validation;

/// <summary>Validates a <c>PUT /v1/users/{userId}/consent</c> body: <c>{"personalization": true|false}</c>, required.</summary>
internal static class ConsentParser
{
    public const int MaxBodyBytes = 4 * 1024;

    private static readonly HashSet<string> Allowed = new(StringComparer.OrdinalIgnoreCase) { "personalization" };

    public static (bool? Personalization, IResult? Problem) Parse(JsonElement root)
    {
        var errors = new FieldErrors();
        bool? personalization = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add("$", "the body must be an object with a personalization property");
        }
        else
        {
            var properties = JsonFields.ReadObject(root, "", Allowed, errors);
            if (!properties.TryGetValue("personalization", out var value) || value.ValueKind == JsonValueKind.Null)
            {
                errors.Add("personalization", "is required");
            }
            else if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                errors.Add("personalization", "must be true or false");
            }
            else
            {
                personalization = value.GetBoolean();
            }
        }
        return errors.Any
            ? (null, TypedResults.ValidationProblem(errors.ToDictionary(), title: "Invalid consent", detail: "The consent was not changed."))
            : (personalization, null);
    }
}
