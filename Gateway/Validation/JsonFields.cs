using System.Text.Json;

namespace OrleansReco.Gateway.Validation;

/// <summary>Helpers for reading a JSON object strictly: known properties only, each at most once, with typed values.</summary>
internal static class JsonFields
{
    /// <summary>
    /// Returns the object's properties by lower-cased name after rejecting unknown and duplicate names
    /// (names match case-insensitively, as ASP.NET Core's web defaults do).
    /// </summary>
    public static Dictionary<string, JsonElement> ReadObject(JsonElement element, string path, IReadOnlySet<string> allowed, FieldErrors errors)
    {
        var properties = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in element.EnumerateObject())
        {
            if (NameOf(property) is not { } name)
            {
                errors.Add(path.Length == 0 ? "$" : path, "has a property name that is not valid Unicode");
                continue;
            }
            var field = Join(path, name);
            if (!allowed.Contains(name))
            {
                errors.Add(field, "is not a known property");
            }
            else if (!properties.TryAdd(name, property.Value))
            {
                errors.Add(field, "is given more than once");
            }
        }
        return properties;
    }

    /// <summary>
    /// The property's name, or null when it is not valid Unicode: a JSON escape such as <c>\ud800</c> in a name
    /// cannot be turned into a string, and reading <see cref="JsonProperty.Name"/> would throw (a 500).
    /// </summary>
    public static string? NameOf(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>A string value, or null with an error; JSON escapes can encode text that is not valid UTF-16.</summary>
    public static string? ReadString(JsonElement value, string field, FieldErrors errors)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(field, "must be a string");
            return null;
        }
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            errors.Add(field, "must be valid Unicode");
            return null;
        }
    }

    /// <param name="pathId">The id is one that endpoints take in their path (a user or item id): <see cref="IdRules.CheckPathId"/>.</param>
    public static string? ReadId(
        Dictionary<string, JsonElement> properties, string name, string path, FieldErrors errors, bool required, bool pathId = false)
    {
        var field = Join(path, name);
        if (!properties.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                errors.Add(field, "is required");
            }
            return null;
        }
        var text = ReadString(value, field, errors);
        if (text is null)
        {
            return null;
        }
        if ((pathId ? IdRules.CheckPathId(text) : IdRules.Check(text)) is { } problem)
        {
            errors.Add(field, problem);
            return null;
        }
        return text;
    }

    public static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
