using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using OrleansReco.Benchmarks;

// dotnet run -c Release --project tests/OrleansReco.Benchmarks                      all model benchmarks
// dotnet run -c Release --project tests/OrleansReco.Benchmarks -- --quick           a short run of them
// dotnet run -c Release --project tests/OrleansReco.Benchmarks -- inprocess [secs]  scoring ops/s, one thread
// dotnet run -c Release --project tests/OrleansReco.Benchmarks -- erasure [n]         erasure cost under event traffic
// dotnet run -c Release --project tests/OrleansReco.Benchmarks -- forget [train.tsv.gz] [singles] [burst] [retrain delay s]
//                                                            erasure to a model trained without the shopper, on the shared split
// dotnet run -c Release --project tests/OrleansReco.Benchmarks -- user-bytes          what one shopper costs, stored and in memory
// dotnet run -c Release --project tests/OrleansReco.Benchmarks -- one-write --port P --connection-string CS --body-bytes B
//                                                            serves POST /v1/events as one row write (tests/load/storage-cost.sh)
if (args.Length > 0 && args[0] == "inprocess")
{
    var seconds = args.Length > 1 && int.TryParse(args[1], out var s) ? s : 5;
    Console.WriteLine($"in-process scoring (1 thread): {InProcessScoring.OperationsPerSecond(TimeSpan.FromSeconds(seconds)):F0} ops/s");
    return;
}

if (args.Length > 0 && args[0] == "erasure")
{
    await ErasureCost.Run(args.Length > 1 && int.TryParse(args[1], out var n) ? n : 100);
    return;
}

if (args.Length > 0 && args[0] == "forget")
{
    await ModelForgetting.Run(
        args.Length > 1 ? args[1] : "../shared/data/online-retail/split/train.tsv.gz",
        args.Length > 2 && int.TryParse(args[2], out var singles) ? singles : 3,
        args.Length > 3 && int.TryParse(args[3], out var burst) ? burst : 20,
        args.Length > 4 && double.TryParse(args[4], out var delay) ? TimeSpan.FromSeconds(delay) : null);
    return;
}

if (args.Length > 0 && args[0] == "user-bytes")
{
    UserFootprint.Run();
    return;
}

if (args.Length > 0 && args[0] == "one-write")
{
    await OneWrite.Run(args[1..]);
    return;
}

var quick = args.Contains("--quick");
var config = quick
    ? DefaultConfig.Instance.AddJob(Job.ShortRun).WithOptions(ConfigOptions.DisableOptimizationsValidator)
    : DefaultConfig.Instance;
BenchmarkSwitcher.FromAssembly(typeof(ModelBenchmarks).Assembly)
    .Run(args.Where(a => a != "--quick").ToArray(), config);
