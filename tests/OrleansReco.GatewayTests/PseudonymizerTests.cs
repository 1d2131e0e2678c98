using System.Text;
using OrleansReco.Gateway.Privacy;
using Xunit;

namespace OrleansReco.GatewayTests;

public sealed class PseudonymizerTests
{
    private static readonly byte[] Pepper = Encoding.UTF8.GetBytes(GatewayHost.Pepper);

    [Fact]
    public void A_pseudonym_is_stable_lowercase_hex_of_an_HMAC()
    {
        var pseudonymizer = new Pseudonymizer(Pepper);
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Pepper, Encoding.UTF8.GetBytes("alice")));

        Assert.Equal(expected, pseudonymizer.Pseudonymize("alice"));
        Assert.Equal(pseudonymizer.Pseudonymize("alice"), new Pseudonymizer(Pepper).Pseudonymize("alice"));
        Assert.NotEqual(pseudonymizer.Pseudonymize("alice"), pseudonymizer.Pseudonymize("Alice"));
    }

    [Fact]
    public void A_different_pepper_gives_different_pseudonyms()
    {
        var other = new Pseudonymizer(Encoding.UTF8.GetBytes("another-pepper-of-enough-length"));
        Assert.NotEqual(new Pseudonymizer(Pepper).Pseudonymize("alice"), other.Pseudonymize("alice"));
    }

    [Fact]
    public void A_base64_pepper_is_decoded_and_a_plain_one_is_taken_as_UTF8()
    {
        var bytes = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        Assert.Equal(bytes, PrivacyOptions.DecodePepper("base64:" + Convert.ToBase64String(bytes)));
        Assert.Equal(Pepper, PrivacyOptions.DecodePepper(GatewayHost.Pepper));
        Assert.Null(PrivacyOptions.DecodePepper("base64:not base64!"));
    }
}
