using OrleansReco.Gateway;
using OrleansReco.Gateway.Hosting;

// Content root = the binaries' folder, so appsettings are found whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

builder.UseOrleansClient(client => client.UseRecoClustering(builder.Configuration));
builder.Services.AddRecoGateway(builder.Configuration);

// RECO_PORT rather than ASPNETCORE_URLS so the local scripts can run several processes side by side.
var port = int.TryParse(Environment.GetEnvironmentVariable("RECO_PORT"), out var p) ? p : 5080;
builder.WebHost.UseUrls($"http://localhost:{port}");

var app = builder.Build();
app.MapRecoGateway();
app.Run();
