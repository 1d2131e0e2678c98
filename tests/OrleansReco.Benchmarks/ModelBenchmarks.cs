using BenchmarkDotNet.Attributes;

namespace OrleansReco.Benchmarks;

[MemoryDiagnoser]
public class ModelBenchmarks
{
    private readonly ModelWorkload _workload = new();

    [Benchmark(Description = "score: 20 history items x 50 neighbours")]
    public int Score() => _workload.Score().Count;

    [Benchmark(Description = "item-to-item by dictionary: 200 history items x 100 weights")]
    public int ItemToItemByDictionary() => _workload.ItemToItemByDictionary();

    [Benchmark(Description = "item-to-item: 200 history items x 100 weights")]
    public int ItemToItem() => _workload.ItemToItem();

    [Benchmark(Description = "neighbourhood: top-50 of 2,000 co-items")]
    public int BuildNeighbourhood() => _workload.BuildNeighbourhood().Count;

    [Benchmark(Description = "plan: 200-item history, one in, one out")]
    public int PlanNewItem() => _workload.PlanNewItem().Count;
}
