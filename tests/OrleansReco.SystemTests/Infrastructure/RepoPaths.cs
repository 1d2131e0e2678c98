using System.Reflection;

namespace OrleansReco.SystemTests.Infrastructure;

/// <summary>Where the real product binaries are: each project's own build output, same configuration as the tests.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    private static string Configuration =>
        typeof(RepoPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static string SiloDll => Output("Silo", "OrleansReco.Silo.dll");
    public static string GatewayDll => Output("Gateway", "OrleansReco.Gateway.dll");

    private static string Output(string project, string dll)
    {
        var path = Path.Combine(Root, project, "bin", Configuration, "net10.0", dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build {project} first ({Configuration}).", path);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansReco.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("OrleansReco.sln not found above " + AppContext.BaseDirectory);
    }
}
