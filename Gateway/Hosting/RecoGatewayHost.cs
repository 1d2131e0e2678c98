using OrleansReco.Gateway.Tracing;

namespace OrleansReco.Gateway.Hosting;

/// <summary>Builds the gateway process: the HTTP API as an Orleans client of the silos.</summary>
public static class RecoGatewayHost
{
    /// <param name="configure">Lets tests replace the configuration sources, as <c>RecoSiloHost.Build</c> does.</param>
    public static WebApplication Build(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        // Content root = the binaries' folder, so appsettings are found whatever the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder.Configuration);

        builder.UseOrleansClient(client =>
        {
            client.UseRecoClustering(builder.Configuration);
            if (RecoTracing.Enabled(builder.Configuration))
            {
                client.AddActivityPropagation(); // the trace context travels with each grain call
            }
        });
        builder.Services.AddRecoGateway(builder.Configuration);
        builder.WebHost.UseUrls(RecoHttp.Url(builder.Configuration));

        var app = builder.Build();
        app.MapRecoGateway();
        return app;
    }
}
