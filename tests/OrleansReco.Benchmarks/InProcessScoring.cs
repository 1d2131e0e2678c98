using System.Diagnostics;

namespace OrleansReco.Benchmarks;

/// <summary>
/// The recommendation's scoring step alone, in a loop on one thread, without Orleans or HTTP: the ceiling the
/// load scenario's recommendation throughput is compared with.
/// </summary>
public static class InProcessScoring
{
    public static double OperationsPerSecond(TimeSpan duration)
    {
        var workload = new ModelWorkload();
        for (var i = 0; i < 200; i++) workload.Score(); // warm-up: JIT and tiering
        var watch = Stopwatch.StartNew();
        long operations = 0;
        while (watch.Elapsed < duration)
        {
            workload.Score();
            operations++;
        }
        return operations / watch.Elapsed.TotalSeconds;
    }
}
