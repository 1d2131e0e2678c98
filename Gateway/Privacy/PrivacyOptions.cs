using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace OrleansReco.Gateway.Privacy;

/// <summary>Bound from <c>Reco:Privacy</c>.</summary>
public sealed class PrivacyOptions
{
    public const string SectionName = "Reco:Privacy";

    /// <summary>The pseudonym pepper: a plain string (its UTF-8 bytes) or <c>base64:</c> followed by base64.</summary>
    public string? Pepper { get; set; }

    internal const string Base64Prefix = "base64:";
    internal const int MinimumPepperBytes = 16;

    /// <summary>A copy of <paramref name="pepper"/>, which must be at least <see cref="MinimumPepperBytes"/> long: what every keyed hash of ids holds.</summary>
    internal static byte[] CheckedPepper(byte[] pepper)
    {
        ArgumentNullException.ThrowIfNull(pepper);
        if (pepper.Length < MinimumPepperBytes)
        {
            throw new ArgumentException($"The pepper must be at least {MinimumPepperBytes} bytes.", nameof(pepper));
        }
        return (byte[])pepper.Clone();
    }

    /// <summary>The development pepper is public, so it must never pseudonymise production users.</summary>
    internal const string DevelopmentPepper = "orleansreco-development-pepper-not-a-secret";

    /// <summary>
    /// An explicit prefix instead of guessing: a plain string that happens to be valid base64 would otherwise
    /// silently change every pseudonym.
    /// </summary>
    internal static byte[]? DecodePepper(string? pepper)
    {
        if (string.IsNullOrEmpty(pepper))
        {
            return null;
        }
        if (!pepper.StartsWith(Base64Prefix, StringComparison.Ordinal))
        {
            return Encoding.UTF8.GetBytes(pepper);
        }
        try
        {
            return Convert.FromBase64String(pepper[Base64Prefix.Length..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

internal sealed class PrivacyOptionsValidator(IHostEnvironment environment) : IValidateOptions<PrivacyOptions>
{
    public ValidateOptionsResult Validate(string? name, PrivacyOptions options)
    {
        if (string.IsNullOrEmpty(options.Pepper))
        {
            return ValidateOptionsResult.Fail(
                $"{PrivacyOptions.SectionName}:Pepper is not configured (environment variable Reco__Privacy__Pepper). " +
                "User ids cannot be pseudonymised without it.");
        }
        var bytes = PrivacyOptions.DecodePepper(options.Pepper);
        if (bytes is null)
        {
            return ValidateOptionsResult.Fail($"{PrivacyOptions.SectionName}:Pepper starts with 'base64:' but is not valid base64.");
        }
        if (bytes.Length < PrivacyOptions.MinimumPepperBytes)
        {
            return ValidateOptionsResult.Fail($"{PrivacyOptions.SectionName}:Pepper must be at least {PrivacyOptions.MinimumPepperBytes} bytes.");
        }
        // By the bytes that key pseudonyms, not the spelling: "base64:" of the development pepper is the same pepper.
        if (!environment.IsDevelopment() && bytes.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(PrivacyOptions.DevelopmentPepper)))
        {
            return ValidateOptionsResult.Fail($"{PrivacyOptions.SectionName}:Pepper is the published development pepper outside the Development environment.");
        }
        return ValidateOptionsResult.Success;
    }
}
