namespace OrleansReco.Tools.Gateway;

/// <summary>API keys of the roles the tools act as. Defaults are the gateway's development keys.</summary>
public sealed record GatewayKeys(
    string Storefront = GatewayKeys.DevStorefront,
    string Catalog = GatewayKeys.DevCatalog,
    string Admin = GatewayKeys.DevAdmin)
{
    public const string DevStorefront = "storefront-dev-key";
    public const string DevCatalog = "catalog-dev-key";
    public const string DevAdmin = "admin-dev-key";
}
