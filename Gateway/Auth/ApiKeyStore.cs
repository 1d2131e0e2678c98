using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace OrleansReco.Gateway.Auth;

/// <summary>Looks up a presented key in constant time with respect to the configured keys.</summary>
internal sealed class ApiKeyStore
{
    private readonly (byte[] Digest, ApiKeyEntry Entry)[] keys;

    public ApiKeyStore(IOptions<ApiKeyOptions> options)
    {
        keys = options.Value.Keys.Select(k => (Digest(k.Key), k)).ToArray();
    }

    public ApiKeyEntry? Find(string presented)
    {
        // Comparing fixed-length digests hides the length of the keys; visiting every entry without an early exit
        // hides which entry matched. The digest is not a secret-protecting measure, only a length equaliser.
        var digest = Digest(presented);
        ApiKeyEntry? match = null;
        foreach (var (candidate, entry) in keys)
        {
            if (CryptographicOperations.FixedTimeEquals(candidate, digest))
            {
                match = entry;
            }
        }
        return match;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
