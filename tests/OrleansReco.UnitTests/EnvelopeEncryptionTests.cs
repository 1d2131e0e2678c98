using System.Security.Cryptography;
using System.Text;
using OrleansReco.Grains.Privacy;
using Xunit;

namespace OrleansReco.UnitTests;

public sealed class EnvelopeEncryptionTests
{
    private static readonly byte[] Key = EnvelopeEncryption.NewKey();
    private static readonly byte[] Plaintext = Encoding.UTF8.GetBytes("size=M; city=Leeds; item-00042");
    private static readonly byte[] Context = EnvelopeEncryption.UserStateContext("user/abc", 1);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100_000)]
    public void Sealed_bytes_open_to_the_plaintext(int length)
    {
        var plaintext = RandomNumberGenerator.GetBytes(length);

        var sealedBytes = EnvelopeEncryption.Seal(Key, plaintext, Context);

        Assert.Equal(length + EnvelopeEncryption.Overhead, sealedBytes.Length);
        Assert.Equal(plaintext, EnvelopeEncryption.Open(Key, sealedBytes, Context));
    }

    [Fact]
    public void The_plaintext_does_not_appear_in_the_sealed_bytes_and_each_seal_differs()
    {
        var first = EnvelopeEncryption.Seal(Key, Plaintext, Context);
        var second = EnvelopeEncryption.Seal(Key, Plaintext, Context);

        Assert.Equal(-1, first.AsSpan().IndexOf("Leeds"u8));
        Assert.NotEqual(first[..EnvelopeEncryption.NonceSize], second[..EnvelopeEncryption.NonceSize]);
        Assert.NotEqual(first, second);
    }

    // First and last byte of nonce, ciphertext (30 bytes here) and tag.
    [Theory]
    [InlineData(0)]
    [InlineData(EnvelopeEncryption.NonceSize - 1)]
    [InlineData(EnvelopeEncryption.NonceSize)]
    [InlineData(EnvelopeEncryption.NonceSize + 29)]
    [InlineData(EnvelopeEncryption.NonceSize + 30)]
    [InlineData(EnvelopeEncryption.NonceSize + 30 + EnvelopeEncryption.TagSize - 1)]
    public void Any_altered_bit_fails_to_open(int position)
    {
        Assert.Equal(30, Plaintext.Length);
        var sealedBytes = EnvelopeEncryption.Seal(Key, Plaintext, Context);

        sealedBytes[position] ^= 0x01;

        Assert.ThrowsAny<CryptographicException>(() => EnvelopeEncryption.Open(Key, sealedBytes, Context));
    }

    [Fact]
    public void A_truncated_value_fails_to_open()
    {
        var sealedBytes = EnvelopeEncryption.Seal(Key, Plaintext, Context);

        Assert.ThrowsAny<CryptographicException>(() => EnvelopeEncryption.Open(Key, sealedBytes[..^1], Context));
        Assert.ThrowsAny<CryptographicException>(() => EnvelopeEncryption.Open(Key, sealedBytes[..(EnvelopeEncryption.Overhead - 1)], Context));
    }

    [Fact]
    public void Another_owner_or_format_version_fails_to_open()
    {
        var sealedBytes = EnvelopeEncryption.Seal(Key, Plaintext, Context);

        Assert.ThrowsAny<CryptographicException>(() =>
            EnvelopeEncryption.Open(Key, sealedBytes, EnvelopeEncryption.UserStateContext("user/abd", 1)));
        Assert.ThrowsAny<CryptographicException>(() =>
            EnvelopeEncryption.Open(Key, sealedBytes, EnvelopeEncryption.UserStateContext("user/abc", 2)));
        Assert.ThrowsAny<CryptographicException>(() =>
            EnvelopeEncryption.Open(Key, sealedBytes, EnvelopeEncryption.UserKeyContext("user/abc", "1")));
    }

    [Fact]
    public void Another_key_fails_to_open()
    {
        var sealedBytes = EnvelopeEncryption.Seal(Key, Plaintext, Context);

        Assert.ThrowsAny<CryptographicException>(() => EnvelopeEncryption.Open(EnvelopeEncryption.NewKey(), sealedBytes, Context));
    }

    [Fact]
    public void Keys_are_random_and_256_bits()
    {
        var (a, b) = (EnvelopeEncryption.NewKey(), EnvelopeEncryption.NewKey());

        Assert.Equal(32, a.Length);
        Assert.NotEqual(a, b);
        Assert.Throws<ArgumentException>(() => EnvelopeEncryption.Seal(a[..16], Plaintext, Context));
    }

    [Fact]
    public void Contexts_of_different_owners_and_master_keys_differ()
    {
        Assert.NotEqual(EnvelopeEncryption.UserKeyContext("user/a", "k1"), EnvelopeEncryption.UserKeyContext("user/b", "k1"));
        Assert.NotEqual(EnvelopeEncryption.UserKeyContext("user/a", "k1"), EnvelopeEncryption.UserKeyContext("user/a", "k2"));
        Assert.NotEqual(EnvelopeEncryption.UserStateContext("user/a", 1), EnvelopeEncryption.UserStateContext("user/b", 1));
    }
}
