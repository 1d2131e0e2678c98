namespace OrleansReco.Gateway.Validation;

/// <summary>
/// Query parameters are parsed by hand so that a non-numeric or repeated value answers a precise 400 rather than
/// the framework's bare binding failure.
/// </summary>
internal static class QueryParameters
{
    public const int DefaultCount = 10;
    public const int MaxCount = 100;
    public const int MaxExcluded = 100;

    public static int ReadCount(IQueryCollection query, FieldErrors errors) =>
        ReadOptionalPositive(query, "count", MaxCount, errors) ?? DefaultCount;

    /// <summary>A number from 0 to 1 (a fraction such as a weight), written plainly (<c>0.25</c>, not <c>2.5e-1</c>); absent, 0.</summary>
    public static double ReadFraction(IQueryCollection query, string name, FieldErrors errors)
    {
        var text = ReadSingle(query, name, errors);
        if (text is null)
        {
            return 0;
        }
        if (!double.TryParse(text, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var value)
            || !double.IsFinite(value) || value > 1)
        {
            errors.Add(name, "must be a number from 0 to 1, such as 0.25");
            return 0;
        }
        return value;
    }

    /// <summary>An optional whole number from 1 to <paramref name="max"/>; absent, null.</summary>
    public static int? ReadOptionalPositive(IQueryCollection query, string name, int max, FieldErrors errors)
    {
        var text = ReadSingle(query, name, errors);
        if (text is null)
        {
            return null;
        }
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            || value < 1 || value > max)
        {
            errors.Add(name, $"must be a whole number from 1 to {max}");
            return null;
        }
        return value;
    }

    public static bool ReadBoolean(IQueryCollection query, string name, FieldErrors errors)
    {
        var text = ReadSingle(query, name, errors);
        if (text is null)
        {
            return false;
        }
        if (!bool.TryParse(text, out var value))
        {
            errors.Add(name, "must be true or false");
        }
        return value;
    }

    /// <summary>An optional id-like value; an empty value means "not given".</summary>
    public static string? ReadOptionalId(IQueryCollection query, string name, FieldErrors errors)
    {
        var text = ReadSingle(query, name, errors);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (IdRules.Check(text) is { } problem)
        {
            errors.Add(name, problem);
            return null;
        }
        return text;
    }

    /// <summary>Comma-separated ids, possibly over repeated parameters; empty entries (a trailing comma) are ignored.</summary>
    public static IReadOnlyList<string> ReadIdList(IQueryCollection query, string name, FieldErrors errors)
    {
        var ids = new List<string>();
        foreach (var value in query[name])
        {
            foreach (var id in (value ?? "").Split(','))
            {
                if (id.Length == 0)
                {
                    continue;
                }
                if (IdRules.Check(id) is { } problem)
                {
                    errors.Add(name, $"each id {problem}");
                    return [];
                }
                ids.Add(id);
            }
        }
        if (ids.Count > MaxExcluded)
        {
            errors.Add(name, $"must list at most {MaxExcluded} ids");
            return [];
        }
        return ids.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>A GUID in the one form the API hands out (<c>D</c>: 32 hex digits in 8-4-4-4-12 groups).</summary>
    public static Guid ReadRouteGuid(string value, string name, FieldErrors errors)
    {
        if (!Guid.TryParseExact(value, "D", out var guid))
        {
            errors.Add(name, "must be a GUID such as 3f2504e0-4f89-41d3-9a0c-0305e82c3301");
        }
        return guid;
    }

    private static string? ReadSingle(IQueryCollection query, string name, FieldErrors errors)
    {
        if (!query.TryGetValue(name, out var values) || values.Count == 0)
        {
            return null;
        }
        if (values.Count > 1)
        {
            errors.Add(name, "must be given at most once");
            return null;
        }
        return values[0];
    }
}
