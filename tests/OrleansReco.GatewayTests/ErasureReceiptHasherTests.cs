using System.Buffers.Text;
using System.Text;
using OrleansReco.Gateway.Privacy;
using Xunit;

namespace OrleansReco.GatewayTests;

public sealed class ErasureReceiptHasherTests
{
    private static readonly byte[] Pepper = Encoding.UTF8.GetBytes(GatewayHost.Pepper);

    /// <summary>Base64url of the bytes 0 to 15.</summary>
    private const string Salt = "AAECAwQFBgcICQoLDA0ODw";

    private readonly ErasureReceiptHasher hasher = new(Pepper);

    [Fact]
    public void The_hash_is_the_documented_HMAC()
    {
        // Computed outside .NET:
        //   printf 'erasure\nAAECAwQFBgcICQoLDA0ODw\nalice' | openssl dgst -sha256 -hmac 'gateway-tests-pepper-0123456789'
        Assert.Equal("b229f9c9a42eca8b77028a04a9e61ce24b65263ca7de729757a660b3158c5bce", hasher.Hash(Salt, "alice"));
        // The id is hashed as UTF-8: printf 'erasure\nAAECAwQFBgcICQoLDA0ODw\nzo\xc3\xab' | openssl ...
        Assert.Equal("d119f6b96e5708ae2e8ca00acdb986fcaf09c93dc5f0020608464eb5caa999e6", hasher.Hash(Salt, "zo\u00eb"));
    }

    [Fact]
    public void The_hash_is_bound_to_the_salt()
    {
        var other = Base64Url.EncodeToString(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray());
        Assert.NotEqual(hasher.Hash(Salt, "alice"), hasher.Hash(other, "alice"));
        Assert.False(hasher.Matches(other, "alice", hasher.Hash(Salt, "alice")));
    }

    [Fact]
    public void The_hash_is_bound_to_the_id()
    {
        var hash = hasher.Hash(Salt, "alice");
        Assert.NotEqual(hash, hasher.Hash(Salt, "Alice"));
        Assert.True(hasher.Matches(Salt, "alice", hash));
        Assert.False(hasher.Matches(Salt, "Alice", hash));
        Assert.False(hasher.Matches(Salt, "alice ", hash));
        Assert.False(hasher.Matches(Salt, "alice", hash[..^1]));
        Assert.False(hasher.Matches(Salt, "alice", ""));
    }

    [Fact]
    public void The_hash_is_bound_to_the_pepper_and_is_not_the_pseudonym()
    {
        var hash = hasher.Hash(Salt, "alice");
        Assert.NotEqual(hash, new ErasureReceiptHasher(Encoding.UTF8.GetBytes("another-pepper-of-enough-length")).Hash(Salt, "alice"));
        Assert.NotEqual(hash, new Pseudonymizer(Pepper).Pseudonymize("alice"));
    }

    [Fact]
    public void A_salt_is_16_random_bytes_in_base64url()
    {
        var salts = Enumerable.Range(0, 100).Select(_ => ErasureReceiptHasher.NewSalt()).ToList();
        Assert.All(salts, s =>
        {
            Assert.Equal(22, s.Length);
            Assert.Equal(16, Base64Url.DecodeFromChars(s).Length);
        });
        Assert.Equal(salts.Count, salts.Distinct().Count());
    }

    [Fact]
    public void A_short_pepper_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new ErasureReceiptHasher(new byte[15]));
    }
}
