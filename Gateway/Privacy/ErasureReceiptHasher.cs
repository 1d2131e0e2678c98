using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace OrleansReco.Gateway.Privacy;

/// <summary>
/// The proof an erasure receipt carries without holding the erased id: lowercase hex of HMAC-SHA256 under the
/// pseudonym pepper over the UTF-8 of <c>"erasure\n" + salt + "\n" + userId</c>, with a fresh random salt per
/// receipt. With the pepper, an operator can check whether a given id is the one a receipt is about; without it,
/// nobody can test guesses. The salt makes two receipts of the same id unlinkable. The "erasure" prefix and the
/// newlines keep these hashes apart from pseudonyms (HMACs of a bare id under the same pepper): ids cannot contain
/// control characters, so no id's pseudonym is an erasure hash.
/// </summary>
public sealed class ErasureReceiptHasher
{
    public const int SaltBytes = 16;

    private readonly byte[] pepper;

    public ErasureReceiptHasher(byte[] pepper)
    {
        this.pepper = PrivacyOptions.CheckedPepper(pepper);
    }

    /// <summary>16 random bytes, base64url without padding (22 characters).</summary>
    public static string NewSalt() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SaltBytes));

    public string Hash(string salt, string userId)
    {
        ArgumentNullException.ThrowIfNull(salt);
        ArgumentNullException.ThrowIfNull(userId);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(pepper, Encoding.UTF8.GetBytes("erasure\n" + salt + "\n" + userId), mac);
        return Convert.ToHexStringLower(mac);
    }

    /// <summary>Whether <paramref name="hash"/> is the hash of <paramref name="userId"/> under <paramref name="salt"/>; compared in constant time.</summary>
    public bool Matches(string salt, string userId, string hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        return CryptographicOperations.FixedTimeEquals(
            Encoding.UTF8.GetBytes(Hash(salt, userId)),
            Encoding.UTF8.GetBytes(hash));
    }
}
