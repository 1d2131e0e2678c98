using System.Security.Cryptography;
using System.Text;

namespace OrleansReco.Grains.Privacy;

/// <summary>
/// AES-256-GCM sealing, no Orleans: <c>nonce (12) | ciphertext | tag (16)</c>. The associated data names what a
/// ciphertext belongs to (see <see cref="UserStateContext"/>, <see cref="UserKeyContext"/>), so bytes copied to
/// another user's row, or from a key row into a state row, fail to open instead of decrypting under the wrong owner.
/// </summary>
/// <remarks>
/// Nonces are random. With 96-bit random nonces a key may seal up to 2^32 messages before a nonce collision becomes a
/// concern; a data key seals one state write per change of one user, a master key one wrap per user, both far below.
/// </remarks>
public static class EnvelopeEncryption
{
    public const int KeySize = 32;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    public const int Overhead = NonceSize + TagSize;

    /// <summary>A fresh random 256-bit key. The caller owns the buffer and should zero it when done.</summary>
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(KeySize);

    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        CheckKey(key);
        var sealedBytes = new byte[Overhead + plaintext.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        var ciphertext = sealedBytes.AsSpan(NonceSize, plaintext.Length);
        var tag = sealedBytes.AsSpan(NonceSize + plaintext.Length, TagSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
        return sealedBytes;
    }

    /// <summary>
    /// The plaintext, if <paramref name="sealedBytes"/> was sealed under this key with this associated data and not
    /// changed since. Otherwise a <see cref="CryptographicException"/> (wrong key, wrong owner, any altered byte).
    /// </summary>
    public static byte[] Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedBytes, ReadOnlySpan<byte> associatedData)
    {
        CheckKey(key);
        if (sealedBytes.Length < Overhead)
        {
            throw new CryptographicException($"A sealed value is at least {Overhead} bytes (nonce and tag); this one is {sealedBytes.Length}.");
        }

        var length = sealedBytes.Length - Overhead;
        var plaintext = new byte[length];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(
            sealedBytes[..NonceSize],
            sealedBytes.Slice(NonceSize, length),
            sealedBytes.Slice(NonceSize + length, TagSize),
            plaintext,
            associatedData);
        return plaintext;
    }

    /// <summary>
    /// Binds a user's sealed state to its owner and to the plain format version stored next to it, so neither can be
    /// swapped without the open failing. <paramref name="owner"/> is the grain id in its string form.
    /// </summary>
    public static byte[] UserStateContext(string owner, int formatVersion) =>
        Encoding.UTF8.GetBytes($"user-state\n{formatVersion}\n{owner}");

    /// <summary>
    /// Binds a wrapped data key to its owner and to the master key that wrapped it. Master key ids cannot hold a line
    /// break (<see cref="MasterKeyOptions"/>), so the last line is always the id, whatever the owner holds.
    /// </summary>
    public static byte[] UserKeyContext(string owner, string masterKeyId) =>
        Encoding.UTF8.GetBytes($"user-key\n{owner}\n{masterKeyId}");

    private static void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"AES-256 keys are {KeySize} bytes; this one is {key.Length}.", nameof(key));
        }
    }
}
