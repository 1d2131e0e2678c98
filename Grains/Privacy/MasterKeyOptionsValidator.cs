using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace OrleansReco.Grains.Privacy;

/// <summary>
/// Refuses start-up without usable master keys, and with the published development key outside Development
/// (registered with <c>ValidateOnStart</c>, so the silo stops before it serves a request).
/// </summary>
internal sealed class MasterKeyOptionsValidator(IHostEnvironment? environment = null) : IValidateOptions<MasterKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, MasterKeyOptions options)
    {
        var problems = options.Problems().ToList();
        if (environment is not null && !environment.IsDevelopment())
        {
            foreach (var key in options.Keys.Where(k => k.Key == MasterKeyOptions.DevelopmentKey))
            {
                problems.Add($"{MasterKeyOptions.SectionName}: the key '{key.Id}' is the published development key, outside the Development environment.");
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
