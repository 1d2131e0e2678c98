using System.Text.Json;
using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Gateway.Validation;

/// <summary>Validates a <c>PUT /v1/items/{itemId}</c> body.</summary>
internal static class ItemDetailsParser
{
    public const int MaxTitleLength = 512;
    public const int MaxTags = 50;
    public const int MaxTagLength = 64;

    private static readonly HashSet<string> Allowed = new(StringComparer.OrdinalIgnoreCase) { "title", "category", "tags", "price", "available" };

    public static (ItemDetails? Details, IResult? Problem) Parse(JsonElement root)
    {
        var errors = new FieldErrors();
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add("$", "the body must be an item object");
            return (null, Invalid(errors));
        }
        var properties = JsonFields.ReadObject(root, "", Allowed, errors);
        var title = ReadTitle(properties, errors);
        // Categories are matched by popularity filters and query strings, so they follow the id rules.
        var category = JsonFields.ReadId(properties, "category", "", errors, required: false);
        var tags = ReadTags(properties, errors);
        var price = ReadPrice(properties, errors);
        var available = ReadAvailable(properties, errors);
        return errors.Any
            ? (null, Invalid(errors))
            : (new ItemDetails(title, category, tags, price, available), null);
    }

    private static IResult Invalid(FieldErrors errors) =>
        TypedResults.ValidationProblem(errors.ToDictionary(), title: "Invalid item", detail: "The item was not changed.");

    private static string? ReadTitle(Dictionary<string, JsonElement> properties, FieldErrors errors)
    {
        if (!properties.TryGetValue("title", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        var title = JsonFields.ReadString(value, "title", errors);
        if (title is null)
        {
            return null;
        }
        if (title.Length > MaxTitleLength)
        {
            errors.Add("title", $"must be at most {MaxTitleLength} characters");
        }
        else if (title.Any(c => char.IsControl(c) && c is not '\t'))
        {
            errors.Add("title", "must not contain control characters");
        }
        return title;
    }

    private static IReadOnlyList<string> ReadTags(Dictionary<string, JsonElement> properties, FieldErrors errors)
    {
        if (!properties.TryGetValue("tags", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add("tags", "must be an array of strings");
            return [];
        }
        if (value.GetArrayLength() > MaxTags)
        {
            errors.Add("tags", $"must hold at most {MaxTags} tags");
            return [];
        }
        var tags = new List<string>();
        var index = 0;
        foreach (var element in value.EnumerateArray())
        {
            var field = $"tags[{index++}]";
            var tag = JsonFields.ReadString(element, field, errors);
            if (tag is null)
            {
                continue;
            }
            if (IdRules.Check(tag) is { } problem)
            {
                errors.Add(field, problem);
            }
            else if (tag.Length > MaxTagLength)
            {
                errors.Add(field, $"must be at most {MaxTagLength} characters");
            }
            else
            {
                tags.Add(tag);
            }
        }
        return tags.Distinct(StringComparer.Ordinal).ToList();
    }

    private static decimal? ReadPrice(Dictionary<string, JsonElement> properties, FieldErrors errors)
    {
        if (!properties.TryGetValue("price", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var price))
        {
            errors.Add("price", "must be a number");
            return null;
        }
        if (price < 0)
        {
            errors.Add("price", "must not be negative");
            return null;
        }
        return price;
    }

    /// <summary>Defaults to true: a catalogue upsert that does not mention availability is about a sellable item.</summary>
    private static bool ReadAvailable(Dictionary<string, JsonElement> properties, FieldErrors errors)
    {
        if (!properties.TryGetValue("available", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }
        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            errors.Add("available", "must be true or false");
            return true;
        }
        return value.GetBoolean();
    }
}
