namespace OrleansReco.Gateway.Validation;

/// <summary>Rules for user ids, item ids and categories: they become grain keys, so they are bounded and printable.</summary>
internal static class IdRules
{
    public const int MaxLength = 128;

    /// <summary>
    /// Null when <paramref name="value"/> is a valid id that a URL path can carry, else why it is not. User and item
    /// ids are addressed in paths (export, erasure, similar items...), so they follow this rule wherever they arrive:
    /// an id accepted in an event must stay reachable by every endpoint that takes it in the path. Kestrel removes
    /// the dot segments <c>.</c> and <c>..</c> (also as <c>%2E</c>) before routing, so no encoding of those two ids
    /// reaches an endpoint; every other valid id can be percent-encoded (see <see cref="PathIds"/>).
    /// </summary>
    public static string? CheckPathId(string? value) =>
        Check(value) ?? (value is "." or ".." ? "must not be '.' or '..', which a URL path cannot carry" : null);

    /// <summary>Null when <paramref name="value"/> is a valid id, else why it is not.</summary>
    public static string? Check(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "must not be empty";
        }
        if (value.Length > MaxLength)
        {
            return $"must be at most {MaxLength} characters";
        }
        if (string.IsNullOrWhiteSpace(value))
        {
            return "must not be blank";
        }
        return CheckCharacters(value);
    }

    /// <summary>
    /// Null when <paramref name="value"/> holds no control character and no lone surrogate, else why not. A lone
    /// surrogate would be replaced during UTF-8 encoding, so two different values could become one (one pseudonym, one
    /// stored profile value).
    /// </summary>
    public static string? CheckCharacters(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c))
            {
                return "must not contain control characters";
            }
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return "must be valid Unicode";
            }
        }
        return null;
    }
}
