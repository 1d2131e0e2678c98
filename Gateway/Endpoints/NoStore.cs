namespace OrleansReco.Gateway.Endpoints;

internal static class NoStore
{
    /// <summary>
    /// <c>Cache-Control: no-store</c> on every answer of these endpoints (success or problem): they carry personal
    /// data or proofs about it, which no browser or proxy cache may keep.
    /// </summary>
    public static TBuilder DisallowCaching<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            context.HttpContext.Response.Headers.CacheControl = "no-store";
            return await next(context);
        });
}
