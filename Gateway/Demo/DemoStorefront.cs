using Microsoft.Extensions.FileProviders;

namespace OrleansReco.Gateway.Demo;

/// <summary>
/// The demo storefront at <c>/demo</c>: static HTML, CSS and JavaScript that call the v1 API from the browser. Served
/// only in Development, because the page carries the development API keys.
/// </summary>
internal static class DemoStorefront
{
    public const string Path = "/demo";

    // The page loads only its own files and talks only to this origin; nothing it renders is markup from the API.
    private const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static void UseDemoStorefront(this WebApplication app)
    {
        var files = new ManifestEmbeddedFileProvider(typeof(DemoStorefront).Assembly, "Demo/Site");
        // "/demo" redirects to "/demo/", which serves index.html.
        app.UseDefaultFiles(new DefaultFilesOptions { RequestPath = Path, FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = Path,
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.CacheControl = "no-cache";
            },
        });
    }
}
