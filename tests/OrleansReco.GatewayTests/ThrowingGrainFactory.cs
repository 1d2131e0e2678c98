using System.Reflection;

namespace OrleansReco.GatewayTests;

/// <summary>
/// An <see cref="IGrainFactory"/> whose grains fail every call with <see cref="TimeoutException"/>: what a client
/// sees when the cluster is gone. DispatchProxy needs an unsealed, public proxy type.
/// </summary>
public class ThrowingGrainFactory : DispatchProxy
{
    public static IGrainFactory Create() => DispatchProxy.Create<IGrainFactory, ThrowingGrainFactory>();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var method = targetMethod!;
        if (method.Name == nameof(IGrainFactory.GetGrain) && method.ReturnType.IsInterface)
        {
            return DispatchProxy.Create(method.ReturnType, typeof(ThrowingGrainFactory));
        }
        var failure = new TimeoutException("The cluster did not answer (test double).");
        if (method.ReturnType == typeof(Task))
        {
            return Task.FromException(failure);
        }
        if (method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            var fromException = typeof(Task).GetMethods()
                .Single(m => m.Name == nameof(Task.FromException) && m.IsGenericMethodDefinition)
                .MakeGenericMethod(method.ReturnType.GetGenericArguments()[0]);
            return fromException.Invoke(null, [failure]);
        }
        throw new NotSupportedException($"{method.Name} is not used by the gateway.");
    }
}
