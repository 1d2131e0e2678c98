namespace OrleansReco.Grains.Privacy;

/// <summary>
/// A user's data key sealed under a master key. The master key id is plain because it says which key unwraps it;
/// <see cref="Ciphertext"/> is <c>nonce | sealed key | tag</c>, bound to the owner and that id.
/// </summary>
[GenerateSerializer, Alias("OrleansReco.WrappedDataKey")]
public sealed record WrappedDataKey(string MasterKeyId, byte[] Ciphertext);
