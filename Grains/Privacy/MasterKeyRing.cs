using System.Security.Cryptography;

namespace OrleansReco.Grains.Privacy;

/// <summary>
/// The configured master keys (one singleton per silo). Wraps data keys under the current key, unwraps under
/// whichever key wrapped them, and tells which wrapped keys are due for rewrapping after a rotation.
/// </summary>
/// <remarks>
/// <paramref name="owner"/> arguments are the owning grain's id in string form: a wrapped key only unwraps for the
/// owner it was wrapped for (see <see cref="EnvelopeEncryption.UserKeyContext"/>).
/// </remarks>
public sealed class MasterKeyRing
{
    private readonly Dictionary<string, byte[]> _keys;

    public MasterKeyRing(MasterKeyOptions options)
    {
        // Checked again here, not only at host start, so no code path can build a ring from unusable settings.
        var problems = options.Problems();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }

        _keys = options.Keys.ToDictionary(k => k.Id!, k => MasterKeyOptions.DecodeKey(k.Key)!, StringComparer.Ordinal);
        CurrentKeyId = options.CurrentKeyId!;
    }

    public string CurrentKeyId { get; }

    public WrappedDataKey Wrap(string owner, ReadOnlySpan<byte> dataKey)
    {
        if (dataKey.Length != EnvelopeEncryption.KeySize)
        {
            throw new ArgumentException($"Data keys are {EnvelopeEncryption.KeySize} bytes.", nameof(dataKey));
        }

        var ciphertext = EnvelopeEncryption.Seal(_keys[CurrentKeyId], dataKey, EnvelopeEncryption.UserKeyContext(owner, CurrentKeyId));
        return new WrappedDataKey(CurrentKeyId, ciphertext);
    }

    /// <summary>The data key; the caller owns the buffer and should zero it when done.</summary>
    /// <exception cref="MasterKeyNotConfiguredException">The wrapping master key is not configured.</exception>
    /// <exception cref="CryptographicException">The wrapped key was altered, or belongs to another owner.</exception>
    public byte[] Unwrap(string owner, WrappedDataKey wrapped)
    {
        if (!_keys.TryGetValue(wrapped.MasterKeyId, out var master))
        {
            throw new MasterKeyNotConfiguredException(wrapped.MasterKeyId);
        }

        var dataKey = EnvelopeEncryption.Open(master, wrapped.Ciphertext, EnvelopeEncryption.UserKeyContext(owner, wrapped.MasterKeyId));
        if (dataKey.Length != EnvelopeEncryption.KeySize)
        {
            CryptographicOperations.ZeroMemory(dataKey);
            throw new CryptographicException($"A wrapped data key opened to {dataKey.Length} bytes instead of {EnvelopeEncryption.KeySize}.");
        }

        return dataKey;
    }

    /// <summary>True when <paramref name="wrapped"/> is under a key other than the current one.</summary>
    public bool NeedsRewrap(WrappedDataKey wrapped) => !string.Equals(wrapped.MasterKeyId, CurrentKeyId, StringComparison.Ordinal);

    /// <summary>The same data key, wrapped under the current master key.</summary>
    public WrappedDataKey Rewrap(string owner, WrappedDataKey wrapped)
    {
        var dataKey = Unwrap(owner, wrapped);
        try
        {
            return Wrap(owner, dataKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }
}
