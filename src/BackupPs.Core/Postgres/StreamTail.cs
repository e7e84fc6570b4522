using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace BackupPs.Core.Postgres;

/// <summary>
/// Remembers how a byte stream seen in pieces ends (its last eight bytes) and how long it is: enough to
/// check for the COPY <c>\.</c> terminator and for the zlib trailer.
/// </summary>
internal struct StreamTail
{
    private ulong _last8;
    private long _length;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Push(ReadOnlySpan<byte> span)
    {
        if (span.Length >= 8)
        {
            _last8 = BinaryPrimitives.ReadUInt64BigEndian(span[^8..]);
        }
        else
        {
            foreach (byte b in span)
            {
                _last8 = (_last8 << 8) | b;
            }
        }

        _length += span.Length;
    }

    /// <summary>Bytes pushed so far.</summary>
    internal readonly long Length => _length;

    /// <summary>The last four bytes, big-endian (the Adler-32 trailer when a zlib stream is complete).</summary>
    internal readonly uint LastFour => (uint)_last8;

    /// <summary>True when the data ends with the line <c>\.</c> followed by two empty lines.</summary>
    internal readonly bool EndsWithCopyTerminator
    {
        get
        {
            const ulong terminator = 0x5C_2E_0A_0A_0A; // "\\.\n\n\n"
            if ((_last8 & 0xFF_FFFF_FFFF) != terminator)
            {
                return false;
            }

            return _length == 5 || ((_last8 >> 40) & 0xFF) == (byte)'\n';
        }
    }
}
