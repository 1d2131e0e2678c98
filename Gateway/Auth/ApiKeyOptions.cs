using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace OrleansReco.Gateway.Auth;

/// <summary>One configured key. <see cref="Name"/> identifies the key in logs and rate-limit partitions, so the secret never has to.</summary>
public sealed record ApiKeyEntry(string Name, string Key, string Role);

/// <summary>
/// API keys from configuration, as a list: <c>Reco:ApiKeys:0:Key</c>, <c>Reco:ApiKeys:0:Role</c> and optionally
/// <c>Reco:ApiKeys:0:Name</c>. A list rather than <c>key = role</c> pairs because configuration keys are
/// case-insensitive and cannot carry every character through environment variables, while key values can.
/// </summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "Reco:ApiKeys";

    public List<ApiKeyEntry> Keys { get; } = [];

    /// <summary>Problems found while reading configuration; reported by the validator so start-up fails with all of them.</summary>
    public List<string> Errors { get; } = [];

    internal static void Load(IConfiguration configuration, ApiKeyOptions options)
    {
        foreach (var child in configuration.GetSection(SectionName).GetChildren())
        {
            var path = $"{SectionName}:{child.Key}";
            if (child.Value is not null)
            {
                options.Errors.Add($"{path} holds a plain value; configure keys as {SectionName}:<n>:Key and {SectionName}:<n>:Role.");
                continue;
            }
            var key = child["Key"];
            var role = RecoRoles.Normalize(child["Role"]);
            if (string.IsNullOrWhiteSpace(key))
            {
                options.Errors.Add($"{path}:Key is missing or empty.");
                continue;
            }
            if (role is null)
            {
                options.Errors.Add($"{path}:Role must be one of {string.Join(", ", RecoRoles.All)}.");
                continue;
            }
            var name = string.IsNullOrWhiteSpace(child["Name"]) ? $"key-{child.Key}" : child["Name"]!;
            options.Keys.Add(new ApiKeyEntry(name, key, role));
        }
    }
}

/// <summary>
/// Refuses start-up without usable keys, and outside Development refuses the published development keys and keys
/// too short to be random. Messages name a key by its configured name, never by its value.
/// </summary>
internal sealed class ApiKeyOptionsValidator(IHostEnvironment environment) : IValidateOptions<ApiKeyOptions>
{
    internal static readonly string[] DevelopmentKeys =
        ["storefront-dev-key", "catalog-dev-key", "privacy-dev-key", "admin-dev-key"];

    /// <summary>
    /// The same floor as the pepper's. Length cannot prove randomness, but it refuses the typed placeholders
    /// ("x", "secret", "changeme"), and 16 random characters are far beyond guessing at the failure limit.
    /// Counted in UTF-8 bytes, the form the key store compares.
    /// </summary>
    internal const int MinimumKeyBytes = 16;

    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        var errors = new List<string>(options.Errors);
        if (options.Keys.Count == 0 && errors.Count == 0)
        {
            errors.Add($"No API key is configured. Set {ApiKeyOptions.SectionName}:0:Key and {ApiKeyOptions.SectionName}:0:Role " +
                       "(environment variables Reco__ApiKeys__0__Key, Reco__ApiKeys__0__Role). " +
                       "Development keys come from appsettings.Development.json only.");
        }
        if (options.Keys.Select(k => k.Key).Distinct(StringComparer.Ordinal).Count() != options.Keys.Count)
        {
            errors.Add($"{ApiKeyOptions.SectionName} lists the same key twice.");
        }
        if (!environment.IsDevelopment() && options.Keys.Any(k => DevelopmentKeys.Contains(k.Key, StringComparer.Ordinal)))
        {
            errors.Add($"{ApiKeyOptions.SectionName} contains a published development key outside the Development environment.");
        }
        if (!environment.IsDevelopment())
        {
            foreach (var key in options.Keys.Where(k => Encoding.UTF8.GetByteCount(k.Key) < MinimumKeyBytes))
            {
                errors.Add($"{ApiKeyOptions.SectionName}: the key '{key.Name}' is shorter than {MinimumKeyBytes} bytes; use a random key, e.g. `openssl rand -base64 32`.");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
