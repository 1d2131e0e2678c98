using Microsoft.Extensions.Options;
using OrleansReco.Grains.Model;

namespace OrleansReco.Grains.Hosting;

/// <summary>Refuses start-up with model settings the model cannot work with (registered with <c>ValidateOnStart</c>).</summary>
internal sealed class ModelOptionsValidator : IValidateOptions<ModelOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelOptions options)
    {
        var problems = options.Problems().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
