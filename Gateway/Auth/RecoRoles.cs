namespace OrleansReco.Gateway.Auth;

/// <summary>The roles an API key can carry. Each is also the name of the authorization policy that admits it (and admin).</summary>
public static class RecoRoles
{
    public const string Storefront = "storefront";
    public const string Catalog = "catalog";
    public const string Privacy = "privacy";
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Storefront, Catalog, Privacy, Admin];

    /// <summary>Role names are matched case-insensitively in configuration and normalised to lower case.</summary>
    public static string? Normalize(string? role) =>
        All.FirstOrDefault(r => string.Equals(r, role?.Trim(), StringComparison.OrdinalIgnoreCase));
}
