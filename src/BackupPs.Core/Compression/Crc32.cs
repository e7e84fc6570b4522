using System.Buffers.Binary;
using System.Runtime.InteropServices;
using ArmCrc32 = System.Runtime.Intrinsics.Arm.Crc32;

namespace BackupPs.Core.Compression;

/// <summary>
/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320): the checksum in the gzip trailer. The BCL exposes none
/// (System.IO.Hashing is a separate package), so: the ARMv8 CRC32 instructions where present (Raspberry Pi 5),
/// slicing-by-8 tables elsewhere.
/// </summary>
internal static class Crc32
{
    private static readonly uint[] s_table = BuildTable();

    /// <summary>Continues a running CRC (start with 0) over <paramref name="data"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint state = ~crc;
        if (ArmCrc32.Arm64.IsSupported)
        {
            state = AppendArm64(state, data);
        }
        else if (ArmCrc32.IsSupported)
        {
            state = AppendArm(state, data);
        }
        else
        {
            state = AppendSliced(state, data);
        }

        return ~state;
    }

    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    private static uint AppendArm64(uint state, ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (ulong word in words)
        {
            state = ArmCrc32.Arm64.ComputeCrc32(state, BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word));
        }

        foreach (byte b in data[(words.Length * sizeof(ulong))..])
        {
            state = ArmCrc32.ComputeCrc32(state, b);
        }

        return state;
    }

    private static uint AppendArm(uint state, ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<uint> words = MemoryMarshal.Cast<byte, uint>(data);
        foreach (uint word in words)
        {
            state = ArmCrc32.ComputeCrc32(state, BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word));
        }

        foreach (byte b in data[(words.Length * sizeof(uint))..])
        {
            state = ArmCrc32.ComputeCrc32(state, b);
        }

        return state;
    }

    private static uint AppendSliced(uint state, ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<uint> t = s_table;
        while (data.Length >= 8)
        {
            uint one = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ state;
            uint two = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            state = t[(7 * 256) + (int)(one & 0xFF)] ^
                    t[(6 * 256) + (int)((one >> 8) & 0xFF)] ^
                    t[(5 * 256) + (int)((one >> 16) & 0xFF)] ^
                    t[(4 * 256) + (int)(one >> 24)] ^
                    t[(3 * 256) + (int)(two & 0xFF)] ^
                    t[(2 * 256) + (int)((two >> 8) & 0xFF)] ^
                    t[256 + (int)((two >> 16) & 0xFF)] ^
                    t[(int)(two >> 24)];
            data = data[8..];
        }

        foreach (byte b in data)
        {
            state = t[(int)((state ^ b) & 0xFF)] ^ (state >> 8);
        }

        return state;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        for (int slice = 1; slice < 8; slice++)
        {
            for (int i = 0; i < 256; i++)
            {
                uint previous = table[((slice - 1) * 256) + i];
                table[(slice * 256) + i] = (previous >> 8) ^ table[previous & 0xFF];
            }
        }

        return table;
    }
}
