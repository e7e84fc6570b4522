using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace BackupPs.Core.Postgres;

/// <summary>Adler-32 (RFC 1950), the checksum that ends every zlib stream.</summary>
internal static class Adler32
{
    private const uint Modulus = 65521;

    // Largest n such that 255 n (n + 1) / 2 + (n + 1) (Modulus - 1) fits in 32 bits.
    private const int MaxScalarBlock = 5552;

    // 16-byte blocks summed in vector lanes between reductions; keeps every lane far from overflow.
    private const int VectorBlocksPerRound = 256;

    internal const uint Initial = 1;

    internal static uint Update(uint adler, ReadOnlySpan<byte> data)
    {
        uint a = adler & 0xFFFF;
        uint b = adler >> 16;
        if (Vector128.IsHardwareAccelerated && data.Length >= 64)
        {
            UpdateVector(ref a, ref b, ref data);
        }

        UpdateScalar(ref a, ref b, data);
        return (b << 16) | a;
    }

    private static void UpdateScalar(ref uint a, ref uint b, ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            int n = Math.Min(data.Length, MaxScalarBlock);
            var block = data[..n];
            data = data[n..];
            int i = 0;
            for (; i + 8 <= block.Length; i += 8)
            {
                a += block[i]; b += a;
                a += block[i + 1]; b += a;
                a += block[i + 2]; b += a;
                a += block[i + 3]; b += a;
                a += block[i + 4]; b += a;
                a += block[i + 5]; b += a;
                a += block[i + 6]; b += a;
                a += block[i + 7]; b += a;
            }

            for (; i < block.Length; i++)
            {
                a += block[i];
                b += a;
            }

            a %= Modulus;
            b %= Modulus;
        }
    }

    /// <summary>
    /// For a 16-byte block x0..x15 entered with (a, b): a' = a + sum(x), b' = b + 16a + sum((16 - i) x_i).
    /// Over k blocks, b gains 16 (k a0 + sum of the running byte totals before each block) plus every
    /// block's weighted sum; the lanes carry those totals and are reduced once per round.
    /// </summary>
    private static void UpdateVector(ref uint a, ref uint b, ref ReadOnlySpan<byte> data)
    {
        var weightsLow = Vector128.Create((ushort)16, 15, 14, 13, 12, 11, 10, 9);
        var weightsHigh = Vector128.Create((ushort)8, 7, 6, 5, 4, 3, 2, 1);
        ref byte start = ref MemoryMarshal.GetReference(data);
        int blocks = data.Length / 16;
        int offset = 0;
        while (blocks > 0)
        {
            int k = Math.Min(blocks, VectorBlocksPerRound);
            blocks -= k;
            var sums = Vector128<uint>.Zero;       // running byte totals, per lane
            var prefix = Vector128<uint>.Zero;     // sum over blocks of the running totals before each
            var weighted = Vector128<uint>.Zero;   // sum of the weighted block sums
            for (int j = 0; j < k; j++)
            {
                var v = Vector128.LoadUnsafe(ref Unsafe.Add(ref start, offset));
                offset += 16;
                prefix += sums;
                var (lo, hi) = Vector128.Widen(v);
                var (s0, s1) = Vector128.Widen(lo + hi);
                sums += s0 + s1;
                var (w0, w1) = Vector128.Widen((lo * weightsLow) + (hi * weightsHigh));
                weighted += w0 + w1;
            }

            ulong bytesSum = Vector128.Sum(sums);
            ulong prefixSum = Vector128.Sum(prefix);
            ulong weightedSum = Vector128.Sum(weighted);
            ulong newB = b + (16UL * (((ulong)k * a) + prefixSum)) + weightedSum;
            ulong newA = a + bytesSum;
            a = (uint)(newA % Modulus);
            b = (uint)(newB % Modulus);
        }

        data = data[offset..];
    }
}
