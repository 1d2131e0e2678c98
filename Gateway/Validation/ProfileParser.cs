using System.Text.Json;

namespace OrleansReco.Gateway.Validation;

/// <summary>
/// Validates a <c>PUT /v1/users/{userId}/profile</c> body: <c>{"attributes": {"name": "value", ...}}</c>.
/// Error messages name attributes only once their names are known to be safe, and never quote values: the
/// problem answer must not echo profile data.
/// </summary>
internal static class ProfileParser
{
    public const int MaxBodyBytes = 16 * 1024;
    public const int MaxAttributes = 64;
    public const int MaxNameLength = 64;
    public const int MaxValueLength = 1024;

    private static readonly HashSet<string> Allowed = new(StringComparer.OrdinalIgnoreCase) { "attributes" };

    public static (IReadOnlyDictionary<string, string>? Attributes, IResult? Problem) Parse(JsonElement root)
    {
        var errors = new FieldErrors();
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add("$", "the body must be an object with an attributes object");
            return (null, Invalid(errors));
        }
        var properties = JsonFields.ReadObject(root, "", Allowed, errors);
        var attributes = ReadAttributes(properties, errors);
        return errors.Any ? (null, Invalid(errors)) : (attributes, null);
    }

    private static IResult Invalid(FieldErrors errors) =>
        TypedResults.ValidationProblem(errors.ToDictionary(), title: "Invalid profile", detail: "The profile was not changed.");

    private static Dictionary<string, string>? ReadAttributes(Dictionary<string, JsonElement> properties, FieldErrors errors)
    {
        if (!properties.TryGetValue("attributes", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors.Add("attributes", "is required (an empty object clears the profile)");
            return null;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add("attributes", "must be an object of string values");
            return null;
        }
        var count = value.EnumerateObject().Count();
        if (count > MaxAttributes)
        {
            errors.Add("attributes", $"must hold at most {MaxAttributes} attributes; this one holds {count}");
            return null;
        }

        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var property in value.EnumerateObject())
        {
            index++;
            if (JsonFields.NameOf(property) is not { } name || !IsSafeName(name))
            {
                errors.Add("attributes", $"attribute {index}: names must be 1 to {MaxNameLength} characters of A-Z, a-z, 0-9, '_', '-' and '.'");
                continue;
            }
            var field = JsonFields.Join("attributes", name);
            if (attributes.ContainsKey(name))
            {
                errors.Add(field, "is given more than once");
                continue;
            }
            var text = JsonFields.ReadString(property.Value, field, errors);
            if (text is null)
            {
                continue;
            }
            if (CheckValue(text) is { } problem)
            {
                errors.Add(field, problem);
                continue;
            }
            attributes[name] = text;
        }
        return attributes;
    }

    private static bool IsSafeName(string name) =>
        name.Length is >= 1 and <= MaxNameLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');

    private static string? CheckValue(string value)
    {
        if (value.Length > MaxValueLength)
        {
            return $"must be at most {MaxValueLength} characters";
        }
        return IdRules.CheckCharacters(value);
    }
}
