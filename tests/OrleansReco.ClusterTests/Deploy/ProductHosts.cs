using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansReco.Gateway.Hosting;
using OrleansReco.Silo;

namespace OrleansReco.ClusterTests.Deploy;

/// <summary>The two programs an image runs, named by the assembly its entry point starts.</summary>
public enum ProductHost
{
    Silo,
    Gateway,
}

/// <summary>
/// What a real host, built (not started) from a container's environment, reads and serves: every configuration key
/// its code asks for while it is built and while its options are bound, the routes it maps and the port it listens on.
/// "A setting the product reads" is thus what the product's own code asks for, not a list kept beside it.
/// </summary>
public sealed record HostReading(IReadOnlySet<string> Keys, IReadOnlySet<string> Routes, int? ListenPort)
{
    private static readonly Assembly[] ProductAssemblies =
    [
        typeof(RecoSiloHost).Assembly,
        typeof(RecoGatewayHost).Assembly,
        typeof(Grains.Model.ModelOptions).Assembly,
        typeof(Grains.Interfaces.PooledIds).Assembly,
    ];

    public static ProductHost? HostOf(string dll) => dll switch
    {
        "OrleansReco.Silo.dll" => ProductHost.Silo,
        "OrleansReco.Gateway.dll" => ProductHost.Gateway,
        _ => null,
    };

    public static HostReading Of(ProductHost host, IReadOnlyDictionary<string, string?> settings)
    {
        var recorder = new RecordingSource(settings);
        void Configure(IConfigurationBuilder builder)
        {
            builder.Sources.Clear();
            builder.Add(recorder);
        }

        using var built = host == ProductHost.Silo ? RecoSiloHost.Build([], Configure) : RecoGatewayHost.Build([], Configure);
        BindEveryOption(built.Services);

        var routes = new HashSet<string>(StringComparer.Ordinal);
        int? port = null;
        if (built is WebApplication web)
        {
            foreach (var endpoint in ((IEndpointRouteBuilder)web).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>())
            {
                routes.Add("/" + endpoint.RoutePattern.RawText!.TrimStart('/'));
            }
            port = new Uri(web.Configuration[WebHostDefaults.ServerUrlsKey]!.Replace("+", "plus").Replace("*", "star")).Port;
        }
        return new HostReading(recorder.Read, routes, port);
    }

    /// <summary>
    /// Options are bound when first resolved: run every configuration step of the product's options, and Orleans'
    /// options bound from a configuration section (Reco:Membership), so their keys are read. Only configuring, not
    /// validating: a test value need not pass the product's checks for the key to count as read.
    /// </summary>
    private static void BindEveryOption(IServiceProvider services)
    {
        var candidates = ProductAssemblies.SelectMany(a => a.GetTypes())
            .Concat(AppDomain.CurrentDomain.GetAssemblies()
                .Where(a => a.GetName().Name!.StartsWith("Orleans", StringComparison.Ordinal))
                .SelectMany(a => a.GetExportedTypes())
                .Where(t => t.Name.EndsWith("Options", StringComparison.Ordinal)))
            .Where(t => t is { IsClass: true, IsAbstract: false, ContainsGenericParameters: false } && t.GetConstructor(Type.EmptyTypes) is not null)
            .Distinct();
        var bind = typeof(HostReading).GetMethod(nameof(Bind), BindingFlags.NonPublic | BindingFlags.Static)!;
        foreach (var type in candidates)
        {
            bind.MakeGenericMethod(type).Invoke(null, [services, ProductAssemblies.Contains(type.Assembly)]);
        }
    }

    private static void Bind<T>(IServiceProvider services, bool product) where T : class, new()
    {
        foreach (var step in services.GetServices<IConfigureOptions<T>>())
        {
            if (!product && step is not NamedConfigureFromConfigurationOptions<T>) continue;
            if (step is ConfigureNamedOptions<T> named)
            {
                named.Configure(named.Name ?? Options.DefaultName, new T());
            }
            else
            {
                step.Configure(new T());
            }
        }
    }

    /// <summary>A configuration holding the container's settings that records every key asked for.</summary>
    private sealed class RecordingSource(IReadOnlyDictionary<string, string?> settings) : IConfigurationSource
    {
        public HashSet<string> Read { get; } = new(StringComparer.OrdinalIgnoreCase);

        public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(this, settings);

        private sealed class Provider : ConfigurationProvider
        {
            private readonly RecordingSource source;

            public Provider(RecordingSource source, IReadOnlyDictionary<string, string?> settings)
            {
                this.source = source;
                foreach (var (key, value) in settings) Data[key] = value;
            }

            public override bool TryGet(string key, out string? value)
            {
                lock (source.Read) source.Read.Add(key);
                return base.TryGet(key, out value);
            }
        }
    }
}
