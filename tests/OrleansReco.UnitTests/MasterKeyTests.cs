using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using OrleansReco.Grains.Privacy;
using Xunit;

namespace OrleansReco.UnitTests;

public sealed class MasterKeyOptionsTests
{
    private static readonly string KeyA = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string KeyB = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    internal static MasterKeyOptions Options(string current, params (string Id, string Key)[] keys) => new()
    {
        CurrentKeyId = current,
        Keys = keys.Select(k => new MasterKeyEntry { Id = k.Id, Key = k.Key }).ToList(),
    };

    [Fact]
    public void A_current_key_among_valid_keys_is_usable()
    {
        Assert.Empty(Options("b", ("a", KeyA), ("b", KeyB)).Problems());
    }

    [Fact]
    public void No_keys_names_the_settings_and_their_environment_variables()
    {
        var problem = Assert.Single(new MasterKeyOptions().Problems());

        Assert.Contains("Reco:Privacy:MasterKeys:CurrentKeyId", problem);
        Assert.Contains("Reco__Privacy__MasterKeys__Keys__0__Key", problem);
    }

    [Fact]
    public void The_current_id_must_be_set_and_configured()
    {
        Assert.Contains("CurrentKeyId is not set", Assert.Single(Options("", ("a", KeyA)).Problems()));
        Assert.Contains("'c' is not among the configured keys", Assert.Single(Options("c", ("a", KeyA), ("b", KeyB)).Problems()));
    }

    [Fact]
    public void Ids_are_unique()
    {
        Assert.Contains("'a' is used more than once", Assert.Single(Options("a", ("a", KeyA), ("a", KeyB)).Problems()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("line\nbreak")]
    [InlineData("-leading-dash")]
    [InlineData("ä")]
    public void Ids_are_safe_characters(string id)
    {
        Assert.Contains("is not a valid key id", Options(id, (id, KeyA)).Problems()[0]);
    }

    [Fact]
    public void A_key_pasted_into_an_id_setting_is_not_quoted()
    {
        var problems = string.Join("\n", Options(KeyA, ("a", KeyB), (KeyB, "not base64!")).Problems());

        Assert.Contains("is not a valid key id", problems);
        Assert.Contains("is not valid base64", problems);
        Assert.Contains("is not among the configured keys", problems);
        Assert.DoesNotContain(KeyA, problems);
        Assert.DoesNotContain(KeyB, problems);
    }

    [Fact]
    public void Ids_are_at_most_64_characters()
    {
        Assert.Empty(Options(new string('k', 64), (new string('k', 64), KeyA)).Problems());
        Assert.NotEmpty(Options(new string('k', 65), (new string('k', 65), KeyA)).Problems());
    }

    [Theory]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void Keys_are_exactly_32_bytes_and_no_message_quotes_them(int length)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(length));

        var problem = Assert.Single(Options("a", ("a", key)).Problems());

        Assert.Contains($"decodes to {length}", problem);
        Assert.DoesNotContain(key, problem);
    }

    [Fact]
    public void Keys_are_set_and_base64()
    {
        Assert.Contains("is not set", Assert.Single(Options("a", ("a", "")).Problems()));
        Assert.Contains("is not valid base64", Assert.Single(Options("a", ("a", "not base64!")).Problems()));
    }

    [Theory]
    [InlineData("Development", true)]
    [InlineData("Production", false)]
    [InlineData("Staging", false)]
    public void The_published_development_key_is_refused_outside_Development(string environment, bool accepted)
    {
        var validator = new MasterKeyOptionsValidator(new HostingEnvironment { EnvironmentName = environment });

        var result = validator.Validate(null, Options("dev-1", ("dev-1", MasterKeyOptions.DevelopmentKey)));

        Assert.Equal(accepted, result.Succeeded);
        Assert.True(validator.Validate(null, Options("own", ("own", KeyA))).Succeeded);
    }

    [Fact]
    public void The_development_key_in_the_development_settings_is_the_one_refused_elsewhere()
    {
        var settings = File.ReadAllText(Path.Combine(RepositoryRoot(), "Gateway", "appsettings.Development.json"));

        Assert.Contains($"\"Key\": \"{MasterKeyOptions.DevelopmentKey}\"", settings);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "OrleansReco.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("OrleansReco.sln not found above the test output.");
    }
}

public sealed class MasterKeyRingTests
{
    private const string Owner = "user/0123abcd";
    private static readonly (string Id, string Key) A = ("a", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
    private static readonly (string Id, string Key) B = ("b", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

    private static MasterKeyRing Ring(string current, params (string Id, string Key)[] keys) =>
        new(MasterKeyOptionsTests.Options(current, keys));

    [Fact]
    public void A_wrapped_key_unwraps_for_its_owner_only()
    {
        var ring = Ring("a", A);
        var dataKey = EnvelopeEncryption.NewKey();

        var wrapped = ring.Wrap(Owner, dataKey);

        Assert.Equal("a", wrapped.MasterKeyId);
        Assert.Equal(-1, wrapped.Ciphertext.AsSpan().IndexOf(dataKey));
        Assert.Equal(dataKey, ring.Unwrap(Owner, wrapped));
        Assert.ThrowsAny<CryptographicException>(() => ring.Unwrap("user/0123abce", wrapped));
    }

    [Fact]
    public void A_wrapped_key_relabelled_with_another_master_key_id_does_not_unwrap()
    {
        var wrapped = Ring("a", A, B).Wrap(Owner, EnvelopeEncryption.NewKey());

        Assert.ThrowsAny<CryptographicException>(() => Ring("a", A, B).Unwrap(Owner, wrapped with { MasterKeyId = "b" }));
    }

    [Fact]
    public void Unwrapping_under_a_master_key_no_longer_configured_names_it()
    {
        var wrapped = Ring("a", A).Wrap(Owner, EnvelopeEncryption.NewKey());

        var error = Assert.Throws<MasterKeyNotConfiguredException>(() => Ring("b", B).Unwrap(Owner, wrapped));

        Assert.Equal("a", error.MasterKeyId);
        Assert.Contains("'a'", error.Message);
        Assert.DoesNotContain(A.Key, error.Message);
    }

    [Fact]
    public void After_a_rotation_old_keys_need_rewrapping_and_once_rewrapped_open_with_the_new_key_alone()
    {
        var dataKey = EnvelopeEncryption.NewKey();
        var underA = Ring("a", A).Wrap(Owner, dataKey);
        var rotated = Ring("b", A, B);

        Assert.True(rotated.NeedsRewrap(underA));
        Assert.Equal(dataKey, rotated.Unwrap(Owner, underA));
        var underB = rotated.Rewrap(Owner, underA);

        Assert.Equal("b", underB.MasterKeyId);
        Assert.False(rotated.NeedsRewrap(underB));
        var retired = Ring("b", B);
        Assert.Equal(dataKey, retired.Unwrap(Owner, underB));
        Assert.Throws<MasterKeyNotConfiguredException>(() => retired.Unwrap(Owner, underA));
    }

    [Fact]
    public void A_ring_is_never_built_from_unusable_settings()
    {
        Assert.Throws<InvalidOperationException>(() => Ring("c", A));
        Assert.Throws<InvalidOperationException>(() => new MasterKeyRing(new MasterKeyOptions()));
    }
}
