using System.Buffers.Binary;

namespace BackupPs.Core.Postgres;

/// <summary>
/// The header and TOC of a custom archive, as raw bytes and as entries: a complete archive without
/// data, which pg_restore accepts for its pre-data and post-data sections.
/// </summary>
/// <param name="OffsetSize">Bytes per file offset (from the header).</param>
internal sealed record ArchiveTableOfContents(byte[] Bytes, IReadOnlyList<ArchiveEntry> Entries, int OffsetSize)
{
    /// <summary>K_OFFSET_POS_SET: the entry's data starts at the offset that follows.</summary>
    private const byte OffsetPositionSet = 2;

    /// <summary>
    /// The same TOC with the data positions filled in, as pg_dump writes them when its output is a
    /// seekable file (ours is a pipe, so the positions are unknown). A parallel pg_restore derives each
    /// table's data size from them and schedules the big tables' indexes and constraints first; without
    /// sizes it works in TOC order and the largest table's chain of index builds and foreign-key checks
    /// starts last. Entries without a known block keep their field; archives before version 1.7 have
    /// no such field and are returned unchanged.
    /// </summary>
    /// <param name="blockStarts">Data block start per dump ID, from reading the whole archive.</param>
    public byte[] WithDataPositions(IReadOnlyDictionary<int, long> blockStarts)
    {
        var patched = (byte[])Bytes.Clone();
        Span<byte> value = stackalloc byte[8];
        foreach (var e in Entries)
        {
            if (e.OffsetField < 0 || !blockStarts.TryGetValue(e.DumpId, out var start) || e.OffsetField + 1 + OffsetSize > patched.Length)
            {
                continue;
            }

            var field = patched.AsSpan((int)e.OffsetField, 1 + OffsetSize);
            field[0] = OffsetPositionSet;
            field[1..].Clear();
            BinaryPrimitives.WriteInt64LittleEndian(value, start);
            value[..Math.Min(8, OffsetSize)].CopyTo(field[1..]);
        }

        return patched;
    }
}
