namespace OrleansReco.Tools.Gateway;

/// <summary>API keys of the two roles the tools act as. Defaults are the gateway's development keys.</summary>
public sealed record GatewayKeys(string Storefront = GatewayKeys.DevStorefront, string Catalog = GatewayKeys.DevCatalog)
{
    public const string DevStorefront = "storefront-dev-key";
    public const string DevCatalog = "catalog-dev-key";
}
