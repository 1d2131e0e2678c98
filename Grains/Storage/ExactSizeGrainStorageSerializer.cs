using Orleans.Serialization;
using Orleans.Storage;

namespace OrleansReco.Grains.Storage;

/// <summary>
/// Orleans' binary format for grain state, bytes for bytes what <see cref="OrleansGrainStorageSerializer"/> writes,
/// but written through a pooled buffer into one array of the exact size. Orleans' own grows a fresh buffer by
/// doubling from 256 bytes on every write, so a row of some kilobytes costs several discarded arrays: an item is
/// written with nearly every change that reaches it, and those arrays were a tenth to a quarter of what a replay
/// allocated (allocation traces at different points of a whole-split replay).
/// </summary>
public sealed class ExactSizeGrainStorageSerializer(Serializer serializer) : IGrainStorageSerializer
{
    public BinaryData Serialize<T>(T? input) => new(serializer.SerializeToArray(input));

    public T? Deserialize<T>(BinaryData input) => serializer.Deserialize<T>(input.ToMemory());
}
