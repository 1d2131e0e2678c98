using System.Collections.Concurrent;

namespace OrleansReco.Testing;

/// <summary>
/// Counts the grain calls that one operation causes. The caller puts a trace id into the request context before
/// the call; Orleans carries the context along every call made while serving it, so each silo's filter sees the
/// whole fan-out under that id. Install one instance on every silo of an in-process cluster.
/// </summary>
public sealed class TracedCallCounter : IIncomingGrainCallFilter
{
    private const string TraceKey = "orleansreco.trace";
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, int>> _calls = new();

    /// <summary>Runs <paramref name="operation"/> under a new trace id and returns its result with the calls it caused.</summary>
    public async Task<(T Result, IReadOnlyDictionary<string, int> Calls)> Trace<T>(Func<Task<T>> operation)
    {
        var trace = Guid.NewGuid().ToString("N");
        RequestContext.Set(TraceKey, trace);
        try
        {
            var result = await operation();
            return (result, Calls(trace));
        }
        finally
        {
            RequestContext.Remove(TraceKey);
        }
    }

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (RequestContext.Get(TraceKey) is string trace)
        {
            var calls = _calls.GetOrAdd(trace, _ => new ConcurrentDictionary<string, int>());
            calls.AddOrUpdate($"{context.InterfaceMethod?.DeclaringType?.Name ?? context.InterfaceName}.{context.MethodName}", 1, (_, count) => count + 1);
        }
        await context.Invoke();
    }

    /// <summary>Calls per "interface.method" seen under <paramref name="trace"/>; forgets the trace.</summary>
    private IReadOnlyDictionary<string, int> Calls(string trace) =>
        _calls.TryRemove(trace, out var calls) ? new Dictionary<string, int>(calls) : new Dictionary<string, int>();
}
