using System.Security.Cryptography;
using System.Text;

namespace OrleansReco.Gateway.Privacy;

/// <summary>
/// Turns a storefront user id into the key of its user grain: HMAC-SHA256 under a secret pepper, lowercase hex.
/// Keyed rather than a plain hash so that nobody without the pepper can test a guessed id against stored keys.
/// </summary>
public sealed class Pseudonymizer
{
    private readonly byte[] pepper;

    public Pseudonymizer(byte[] pepper)
    {
        this.pepper = PrivacyOptions.CheckedPepper(pepper);
    }

    public string Pseudonymize(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(pepper, Encoding.UTF8.GetBytes(userId), mac);
        return Convert.ToHexStringLower(mac);
    }
}
