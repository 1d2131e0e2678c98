namespace OrleansReco.Tools.Import;

/// <summary>
/// The gateway's id rule (1 to 128 characters, no control characters, not '.' or '..', which no URL path can
/// carry). Rows breaking it are skipped before posting, because the gateway rejects a whole batch for one bad event.
/// </summary>
public static class Ids
{
    public const int MaxLength = 128;

    public static bool IsValid(string? id) =>
        id is { Length: > 0 and <= MaxLength } and not ("." or "..") && !id.Any(char.IsControl);
}
