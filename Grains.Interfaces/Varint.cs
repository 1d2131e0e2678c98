namespace OrleansReco.Grains.Interfaces;

/// <summary>
/// Little-endian base-128 varints, the number encoding of the project's packed forms (<see cref="CountMapPacking"/>,
/// the packed user history): seven bits a byte, the high bit set on every byte but the last, so small numbers take
/// one byte. Signed numbers that may be negative go through <see cref="ZigZag(long)"/> first, so that small
/// magnitudes of either sign stay short.
/// </summary>
public static class Varint
{
    public const int MaxBytes32 = 5;
    public const int MaxBytes64 = 10;

    /// <summary>Writes <paramref name="value"/> at <paramref name="at"/>; returns the position after it.</summary>
    public static int Write(byte[] buffer, int at, ulong value)
    {
        while (value >= 0x80)
        {
            buffer[at++] = (byte)(value | 0x80);
            value >>= 7;
        }
        buffer[at++] = (byte)value;
        return at;
    }

    public static uint ReadUInt32(ReadOnlySpan<byte> packed, ref int at)
    {
        var value = Read(packed, ref at, MaxBytes32);
        return value <= uint.MaxValue ? (uint)value : throw new InvalidDataException("A packed 32-bit number is out of range.");
    }

    public static ulong ReadUInt64(ReadOnlySpan<byte> packed, ref int at) => Read(packed, ref at, MaxBytes64);

    public static uint ZigZag(int value) => (uint)((value << 1) ^ (value >> 31));

    public static int UnZigZag(uint value) => (int)(value >> 1) ^ -(int)(value & 1);

    public static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    public static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    private static ulong Read(ReadOnlySpan<byte> packed, ref int at, int maxBytes)
    {
        ulong value = 0;
        for (var shift = 0; shift < 7 * maxBytes; shift += 7)
        {
            var b = packed[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw new InvalidDataException($"A packed number is longer than {maxBytes} bytes.");
    }
}
