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
            // By the decoded bytes the key ring would use: base64 decoding skips whitespace, so "F7Co J/BB..." is the same key.
            var developmentKey = MasterKeyOptions.DecodeKey(MasterKeyOptions.DevelopmentKey);
            foreach (var key in options.Keys.Where(k => MasterKeyOptions.DecodeKey(k.Key) is { } bytes && bytes.AsSpan().SequenceEqual(developmentKey)))
            {
                problems.Add($"{MasterKeyOptions.SectionName}: the key {MasterKeyOptions.Quoted(key.Id)} is the published development key, outside the Development environment.");
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
