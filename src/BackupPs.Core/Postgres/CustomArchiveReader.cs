using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Postgres;

/// <summary>
/// Reads a whole pg_dump custom-format archive (<c>-Fc</c>) from a forward-only stream and proves it
/// complete: header, every TOC entry, and exactly one data block for every entry that has data, with
/// rows counted per table from the COPY text in the blocks.
/// </summary>
public static class CustomArchiveReader
{
    /// <summary>
    /// Reads <paramref name="stream"/> from its current position to its end. Returns what was proven, or
    /// throws <see cref="BackupPsException"/> (category InvalidData, ErrorIds in <see cref="DumpErrorIds"/>)
    /// when the archive is empty, not a custom archive, truncated, malformed or incomplete.
    /// The stream is not disposed.
    /// </summary>
    public static DumpInspection Read(Stream stream, CancellationToken cancellationToken = default)
    {
        using var input = new DumpInput(stream, cancellationToken);
        return Read(input);
    }

    /// <summary>
    /// Reads the header and TOC of the custom archive at the start of <paramref name="stream"/>, with
    /// their raw bytes; the data blocks are not read.
    /// </summary>
    internal static ArchiveTableOfContents ReadTableOfContents(Stream stream, CancellationToken cancellationToken)
    {
        using var input = new DumpInput(stream, cancellationToken);
        using var raw = new MemoryStream();
        var parser = new CustomArchiveParser(input);
        var entries = parser.ReadTableOfContents(raw);
        return new ArchiveTableOfContents(raw.ToArray(), entries, parser.OffsetSize);
    }

    internal static DumpInspection Read(DumpInput input, IArchiveObserver? observer = null)
    {
        var parser = new CustomArchiveParser(input, observer);
        try
        {
            return parser.Parse();
        }
        finally
        {
            parser.ReleaseBuffers();
        }
    }
}

/// <summary>
/// The parser behind <see cref="CustomArchiveReader"/>. Layout and version conditionals follow
/// src/bin/pg_dump/pg_backup_archiver.c (ReadHead, ReadToc, ReadInt, ReadStr, ReadOffset) and
/// pg_backup_custom.c (_ReadExtraToc, _readBlockHeader, _skipData, _skipLOs).
/// </summary>
internal sealed class CustomArchiveParser
{
    private static int ArchiveVersion(int major, int minor, int rev) => (((major * 256) + minor) * 256) + rev;

    private static readonly int K1_0 = ArchiveVersion(1, 0, 0);
    private static readonly int K1_2 = ArchiveVersion(1, 2, 0);   // compression in header
    private static readonly int K1_3 = ArchiveVersion(1, 3, 0);   // block type byte, copyStmt
    private static readonly int K1_4 = ArchiveVersion(1, 4, 0);   // creation date, dbname, compression as int
    private static readonly int K1_5 = ArchiveVersion(1, 5, 0);   // dependencies
    private static readonly int K1_6 = ArchiveVersion(1, 6, 0);   // namespace
    private static readonly int K1_7 = ArchiveVersion(1, 7, 0);   // offset size in header, flagged offsets
    private static readonly int K1_8 = ArchiveVersion(1, 8, 0);   // tableoid
    private static readonly int K1_9 = ArchiveVersion(1, 9, 0);   // with-oids flag
    private static readonly int K1_10 = ArchiveVersion(1, 10, 0); // tablespace, server and pg_dump versions
    private static readonly int K1_11 = ArchiveVersion(1, 11, 0); // section
    private static readonly int K1_14 = ArchiveVersion(1, 14, 0); // tableam (PostgreSQL 12-15)
    private static readonly int K1_15 = ArchiveVersion(1, 15, 0); // compression algorithm byte (PostgreSQL 16)
    private static readonly int K1_16 = ArchiveVersion(1, 16, 0); // relkind, BLOB METADATA, several BLOBS (PostgreSQL 17+)
    private static readonly int KMax = ArchiveVersion(1, 16, 255);

    private const byte BlockData = 1;
    private const byte BlockBlobs = 3;
    private const int ArchiveFormatCustom = 1;
    private const int ArchiveFormatTar = 3;
    private const int ArchiveFormatDirectory = 5;
    private const int OffsetPosNotSet = 1;
    private const int OffsetPosSet = 2;
    private const int OffsetNoData = 3;

    // Strings the reader keeps (tags, descriptions, schema names, versions) are short; a tag can hold a
    // function signature, so allow generously, but a length beyond this is garbage.
    private const int MaxKeptString = 1 << 24;

    private const int InflateBufferSize = 1 << 17;

    private readonly DumpInput _in;
    private readonly IArchiveObserver? _observer;
    private readonly Dictionary<int, ArchiveEntry> _entriesById = new();
    private readonly List<ArchiveEntry> _entries = new();

    private int _version;
    private int _intSize;
    private int _offSize;
    private bool _hasSignByte;
    private bool _fastInts;
    private DumpCompression _compression;
    private int? _compressionLevel;

    private Stage _stage = Stage.Header;
    private int _tocIndex;
    private int _tocCount;
    private ArchiveEntry? _current;
    private bool _rowsToObserver;
    private byte[]? _inflateBuffer;

    internal CustomArchiveParser(DumpInput input, IArchiveObserver? observer = null)
    {
        _in = input;
        _observer = observer;
    }

    private enum Stage
    {
        Header,
        Toc,
        BlockHeader,
        Data,
    }

    internal DumpInput Input => _in;

    /// <summary>Bytes per file offset in the TOC (from the header).</summary>
    internal int OffsetSize => _offSize;

    internal void ReleaseBuffers()
    {
        if (_inflateBuffer is { } b)
        {
            _inflateBuffer = null;
            ArrayPool<byte>.Shared.Return(b);
        }
    }

    /// <summary>
    /// Reads only the header and the TOC, writing their raw bytes to <paramref name="raw"/>: a complete
    /// archive without data, which pg_restore accepts for its pre-data and post-data sections.
    /// </summary>
    internal IReadOnlyList<ArchiveEntry> ReadTableOfContents(Stream raw)
    {
        _in.StartRecording(_in.Position, raw);
        ReadHeader();
        ReadToc();
        _in.StopRecording();
        return _entries;
    }

    internal DumpInspection Parse()
    {
        var header = ReadHeader();
        ReadToc();
        int lastBlockOrder = ReadBlocks();
        CheckEveryBlockPresent(lastBlockOrder);

        var tables = new List<TableRowCount>();
        int tableData = 0;
        long largeObjects = 0;
        foreach (var e in _entries)
        {
            if (e.IsTableData)
            {
                tableData++;
                if (e.HadDumper)
                {
                    // The rows belong to the table the COPY loads: the partitioned root when pg_dump loads via the root.
                    var (schema, table) = e.CopyStatement is { } copy && CopyStatement.Target(copy) is { } target
                        ? target
                        : (e.Namespace ?? string.Empty, e.Tag ?? string.Empty);
                    tables.Add(new TableRowCount(schema, table, e.Rows));
                }
            }

            largeObjects += e.LargeObjects;
        }

        return new DumpInspection(
            DumpFormat.Custom,
            header.ArchiveVersion,
            header.ServerVersion,
            header.PgDumpVersion,
            header.DatabaseName,
            _entries.Count,
            tableData,
            tables,
            largeObjects,
            _compression,
            _compressionLevel,
            _in.TotalRead);
    }

    // ------------------------------------------------------------------ header

    private HeaderInfo ReadHeader()
    {
        if (!_in.Ensure(1))
        {
            throw DumpErrors.Empty();
        }

        ReadOnlySpan<byte> magic = "PGDMP"u8;
        if (!_in.Ensure(magic.Length))
        {
            var have = _in.AvailableSpan;
            if (magic.StartsWith(have))
            {
                throw Truncated();
            }

            throw NotCustom(have);
        }

        if (!_in.AvailableSpan.StartsWith(magic))
        {
            _in.Ensure(DumpFormatDetector.BytesNeeded);
            throw NotCustom(_in.AvailableSpan);
        }

        _in.Pos += magic.Length;
        int major = ReadByte();
        int minor = ReadByte();
        int rev = major > 1 || (major == 1 && minor > 0) ? ReadByte() : 0;
        _version = ArchiveVersion(major, minor, rev);
        string archiveVersion = string.Create(CultureInfo.InvariantCulture, $"{major}.{minor}-{rev}");
        if (_version < K1_0 || _version > KMax)
        {
            throw DumpErrors.Create(
                DumpErrorIds.DumpVersionUnsupported,
                $"The dump is a custom archive of version {archiveVersion}, which this reader does not know (it reads 1.0 to 1.16, written by pg_dump up to PostgreSQL 18).");
        }

        _intSize = ReadByte();
        if (_intSize < 1 || _intSize > 8)
        {
            throw Invalid($"the archive header declares {_intSize}-byte integers, which no pg_dump writes");
        }

        _hasSignByte = _version > K1_0;
        _fastInts = _hasSignByte && _intSize == 4;

        _offSize = _version >= K1_7 ? ReadByte() : _intSize;
        if (_offSize < 1 || _offSize > 16)
        {
            throw Invalid($"the archive header declares {_offSize}-byte file offsets, which no pg_dump writes");
        }

        int format = ReadByte();
        if (format != ArchiveFormatCustom)
        {
            if (format == ArchiveFormatDirectory)
            {
                throw DumpErrors.Create(
                    DumpErrorIds.DumpNotPostgresArchive,
                    "The dump is the toc.dat of a directory-format archive (-Fd), not a custom-format archive (-Fc).");
            }

            if (format == ArchiveFormatTar)
            {
                throw DumpErrors.Create(
                    DumpErrorIds.DumpNotPostgresArchive,
                    "The dump's header names the tar format (-Ft), not the custom format (-Fc).");
            }

            throw Invalid($"the archive header names format {format}, but a custom archive has format 1");
        }

        if (_version >= K1_15)
        {
            int algorithm = ReadByte();
            _compression = algorithm switch
            {
                0 => DumpCompression.None,
                1 => DumpCompression.Gzip,
                2 => DumpCompression.Lz4,
                3 => DumpCompression.Zstd,
                _ => throw Invalid($"the archive header names compression algorithm {algorithm}, which pg_dump does not have"),
            };
        }
        else if (_version >= K1_2)
        {
            int level = _version < K1_4 ? ReadByte() : ReadInt();
            _compressionLevel = level;
            _compression = level != 0 ? DumpCompression.Gzip : DumpCompression.None;
        }
        else
        {
            _compression = DumpCompression.Gzip;
        }

        if (_compression is DumpCompression.Lz4 or DumpCompression.Zstd)
        {
            throw DumpErrors.Create(
                DumpErrorIds.DumpCompressionUnsupported,
                $"The dump's data blocks are {(_compression == DumpCompression.Lz4 ? "lz4" : "zstd")}-compressed, so they cannot be inspected: dump with -Z0 or gzip compression to have the dump verified.");
        }

        if (_version >= K1_4)
        {
            int sec = ReadInt();
            int min = ReadInt();
            int hour = ReadInt();
            int mday = ReadInt();
            int mon = ReadInt();
            _ = ReadInt(); // year - 1900
            int isdst = ReadInt();
            if (sec is < 0 or > 61 || min is < 0 or > 59 || hour is < 0 or > 23 || mday is < 1 or > 31 || mon is < 0 or > 11 || isdst is < -1 or > 1)
            {
                throw Invalid("the archive header's creation date is not a valid date");
            }
        }

        string? dbName = _version >= K1_4 ? ReadKeptString() : null;
        string? serverVersion = null;
        string? pgDumpVersion = null;
        if (_version >= K1_10)
        {
            serverVersion = ReadKeptString();
            pgDumpVersion = ReadKeptString();
        }

        return new HeaderInfo(archiveVersion, dbName, serverVersion, pgDumpVersion);
    }

    private BackupPsException NotCustom(ReadOnlySpan<byte> firstBytes)
    {
        string looksLike = DumpFormatDetector.Detect(firstBytes) == DumpFormat.Plain
            ? " (it looks like a plain SQL dump)"
            : firstBytes.Length >= 2 && firstBytes[0] == 0x1F && firstBytes[1] == 0x8B
                ? " (it looks like a gzip file)"
                : string.Empty;
        return DumpErrors.Create(
            DumpErrorIds.DumpNotPostgresArchive,
            $"The dump does not start with the custom-format magic PGDMP, so it is not a pg_dump custom archive{looksLike}.");
    }

    // ------------------------------------------------------------------ TOC

    private void ReadToc()
    {
        _stage = Stage.Toc;
        _tocCount = ReadInt();
        if (_tocCount < 0)
        {
            throw Invalid($"the TOC declares {_tocCount} entries");
        }

        for (_tocIndex = 0; _tocIndex < _tocCount; _tocIndex++)
        {
            var e = new ArchiveEntry { Order = _tocIndex };
            e.DumpId = ReadInt();
            if (e.DumpId <= 0)
            {
                throw Invalid($"TOC entry {_tocIndex + 1} has dump ID {e.DumpId}, but dump IDs are positive");
            }

            int hadDumper = ReadInt();
            if (hadDumper is not (0 or 1))
            {
                throw Invalid($"TOC entry {_tocIndex + 1} has a data flag of {hadDumper} instead of 0 or 1");
            }

            e.HadDumper = hadDumper == 1;
            if (_version >= K1_8)
            {
                RequireString(SkipString(), "catalog table OID");
            }

            RequireString(SkipString(), "OID");
            e.Tag = ReadKeptString();
            e.Desc = ReadKeptString() ?? throw Invalid($"TOC entry {_tocIndex + 1} has no type");
            if (_version >= K1_11)
            {
                int section = ReadInt();
                if (section is < 1 or > 4)
                {
                    throw Invalid($"TOC entry {_tocIndex + 1} is in section {section}, which does not exist");
                }
            }

            if (e.Desc is "ENCODING" or "STDSTRINGS")
            {
                e.Definition = ReadKeptString();
            }
            else
            {
                SkipString(); // defn
            }

            SkipString(); // dropStmt
            if (_version >= K1_3)
            {
                e.CopyStatement = ReadKeptString();
            }

            if (_version >= K1_6)
            {
                e.Namespace = ReadKeptString();
            }

            if (_version >= K1_10)
            {
                SkipString(); // tablespace
            }

            if (_version >= K1_14)
            {
                SkipString(); // tableam
            }

            if (_version >= K1_16)
            {
                _ = ReadInt(); // relkind
            }

            SkipString(); // owner
            if (_version >= K1_9)
            {
                RequireString(SkipString(), "with-OIDs flag");
            }

            if (_version >= K1_5)
            {
                while (SkipString() >= 0)
                {
                    // dependency dump IDs, as strings, ended by a null string
                }
            }

            ReadDataOffset(e);

            if (!_entriesById.TryAdd(e.DumpId, e))
            {
                throw Invalid($"dump ID {e.DumpId} appears twice in the TOC");
            }

            if (_version >= K1_7 && e.HadDumper == (e.DataState == OffsetNoData))
            {
                throw Invalid($"TOC entry {e.DumpId} ({e.Desc}) {(e.HadDumper ? "has data but is marked as having none" : "has no data but is marked as having some")}");
            }

            _entries.Add(e);
        }
    }

    private void ReadDataOffset(ArchiveEntry e)
    {
        if (_version < K1_7)
        {
            int offset = ReadInt();
            e.DataState = offset < 0 ? OffsetPosNotSet : offset == 0 ? OffsetNoData : OffsetPosSet;
            e.DataPos = offset;
            _ = ReadInt(); // data size, written before 1.7
            return;
        }

        e.OffsetField = _in.Position;
        int flag = ReadByte();
        if (flag is not (OffsetPosNotSet or OffsetPosSet or OffsetNoData))
        {
            throw Invalid($"TOC entry {e.DumpId} has data offset flag {flag}, which pg_dump does not write");
        }

        if (!_in.Ensure(_offSize))
        {
            throw Truncated();
        }

        var b = _in.Buffer;
        int p = _in.Pos;
        ulong pos = 0;
        for (int i = 0; i < _offSize; i++)
        {
            if (i < 8)
            {
                pos |= (ulong)b[p + i] << (8 * i);
            }
            else if (b[p + i] != 0)
            {
                throw Invalid($"TOC entry {e.DumpId} has a data offset beyond 64 bits");
            }
        }

        _in.Pos = p + _offSize;
        e.DataState = flag;
        e.DataPos = (long)pos;
    }

    private void RequireString(int length, string what)
    {
        if (length < 0)
        {
            throw Invalid($"TOC entry {_tocIndex + 1} has no {what}");
        }
    }

    // ------------------------------------------------------------------ data blocks

    /// <summary>Reads data blocks until the stream ends; returns the TOC order of the last block's entry.</summary>
    private int ReadBlocks()
    {
        int lastOrder = -1;
        while (true)
        {
            _stage = Stage.BlockHeader;
            _current = null;
            long blockStart = _in.Position;
            if (!_in.Ensure(1))
            {
                return lastOrder;
            }

            // Keep the whole block header in the window, so an observer can record the block from its first byte.
            _in.Ensure(1 + (_hasSignByte ? 1 : 0) + _intSize);

            int type;
            if (_version < K1_3)
            {
                type = BlockData;
            }
            else
            {
                type = _in.Buffer[_in.Pos];
                if (type is not (BlockData or BlockBlobs))
                {
                    throw Invalid($"byte {blockStart.ToString(CultureInfo.InvariantCulture)} holds 0x{type:X2} where the next data block or the end of the archive should be");
                }

                _in.Pos++;
            }

            int id = ReadInt();
            if (!_entriesById.TryGetValue(id, out var e))
            {
                throw Invalid($"the data block at byte {blockStart.ToString(CultureInfo.InvariantCulture)} belongs to dump ID {id}, which the TOC does not list");
            }

            if (!e.HadDumper)
            {
                throw Invalid($"the data block at byte {blockStart.ToString(CultureInfo.InvariantCulture)} belongs to {Describe(e)}, which the TOC marks as having no data");
            }

            if (e.BlockSeen)
            {
                throw Invalid($"{Describe(e)} has a second data block at byte {blockStart.ToString(CultureInfo.InvariantCulture)}");
            }

            int expectedType = e.Desc == "BLOBS" ? BlockBlobs : BlockData;
            if (type != expectedType)
            {
                throw Invalid($"the data block for {Describe(e)} at byte {blockStart.ToString(CultureInfo.InvariantCulture)} has type {type} instead of {expectedType}");
            }

            if (e.DataState == OffsetPosSet && e.DataPos != blockStart)
            {
                throw Invalid($"the TOC places the data for {Describe(e)} at byte {e.DataPos.ToString(CultureInfo.InvariantCulture)}, but its block starts at byte {blockStart.ToString(CultureInfo.InvariantCulture)}");
            }

            e.BlockSeen = true;
            e.BlockStart = blockStart;
            lastOrder = e.Order;
            _current = e;
            _stage = Stage.Data;
            bool forward = _observer?.ForwardBlock(e) == true;
            if (forward)
            {
                _in.StartRecording(blockStart, _observer!.BlockSink);
            }

            _rowsToObserver = _observer is not null && !forward && e.IsTableData && e.CopyStatement is not null;
            if (type == BlockBlobs)
            {
                ReadLargeObjects(e);
            }
            else
            {
                ReadTableData(e);
            }

            if (forward)
            {
                _in.StopRecording();
            }

            e.BlockEnd = _in.Position;
            _observer?.BlockEnded(e);
        }
    }

    private void CheckEveryBlockPresent(int lastBlockOrder)
    {
        ArchiveEntry? firstMissing = null;
        int missing = 0;
        bool missingBeforeLast = false;
        foreach (var e in _entries)
        {
            if (e.HadDumper && !e.BlockSeen)
            {
                firstMissing ??= e;
                missing++;
                if (e.Order < lastBlockOrder)
                {
                    missingBeforeLast = true;
                }
            }
        }

        if (firstMissing is null)
        {
            return;
        }

        string more = missing > 1 ? string.Create(CultureInfo.InvariantCulture, $" and {missing - 1} more") : string.Empty;
        if (!missingBeforeLast)
        {
            // Every block after some point is absent: the stream stopped at a block boundary.
            throw DumpErrors.Create(
                DumpErrorIds.DumpTruncated,
                $"The dump ends at byte {_in.TotalRead.ToString(CultureInfo.InvariantCulture)} before the data for {Describe(firstMissing)}{more}: the file is truncated.");
        }

        throw DumpErrors.Create(
            DumpErrorIds.DumpIncomplete,
            $"The dump has no data block for {Describe(firstMissing)}{more}, although its TOC says the data was dumped: the archive is incomplete.");
    }

    private void ReadTableData(ArchiveEntry e)
    {
        bool copyText = e.IsTableData && e.CopyStatement is not null;
        var tail = new StreamTail();
        long newlines = ReadDataStream(e, copyText, ref tail);

        if (copyText)
        {
            // dumpTableData_copy ends the COPY rows with archprintf("\\.\n\n\n"), inside the data block.
            if (!tail.EndsWithCopyTerminator)
            {
                throw Invalid($"the data for {Describe(e)} does not end with the COPY terminator \\.");
            }

            e.Rows = newlines - 3;
        }
    }

    private void ReadLargeObjects(ArchiveEntry e)
    {
        long count = 0;
        while (true)
        {
            int oid = ReadInt();
            if (oid == 0)
            {
                break;
            }

            count++;
            var tail = new StreamTail();
            ReadDataStream(e, countRows: false, ref tail);
        }

        e.LargeObjects = count;
    }

    /// <summary>
    /// Reads one data stream (a run of chunks up to the end marker) of <paramref name="e"/>. With
    /// <paramref name="countRows"/>, returns the number of '\n' in its (inflated) payload and keeps the
    /// payload's tail in <paramref name="tail"/>; otherwise returns 0.
    /// </summary>
    private long ReadDataStream(ArchiveEntry e, bool countRows, ref StreamTail tail) =>
        _compression == DumpCompression.None
            ? ReadUncompressedChunks(countRows, ref tail)
            : Inflate(e, countRows, ref tail);

    /// <summary>The -Z0 case of <see cref="ReadDataStream"/>: the chunks' payload is the data itself.</summary>
    private long ReadUncompressedChunks(bool countRows, ref StreamTail tail)
    {
        var input = _in;
        long newlines = 0;
        while (true)
        {
            int remaining = ReadChunkLength();
            if (remaining == 0)
            {
                return newlines;
            }

            while (remaining > 0)
            {
                int take = AvailableUpTo(remaining);
                if (countRows)
                {
                    var span = new ReadOnlySpan<byte>(input.Buffer, input.Pos, take);
                    newlines += span.Count((byte)'\n');
                    tail.Push(span);
                    if (_rowsToObserver)
                    {
                        _observer!.Rows(_current!, span);
                    }
                }

                input.Pos += take;
                remaining -= take;
            }
        }
    }

    /// <summary>
    /// Inflates one zlib stream made of the chunks up to the end marker. .NET's inflater does not report a
    /// stream that stops short, so completeness is proven by recomputing the Adler-32 of the output and
    /// comparing it with the stream's trailer, the last four payload bytes.
    /// </summary>
    private long Inflate(ArchiveEntry e, bool countRows, ref StreamTail tail)
    {
        _inflateBuffer ??= ArrayPool<byte>.Shared.Rent(InflateBufferSize);
        var output = _inflateBuffer;
        var payload = new ChunkPayloadStream(this);
        uint adler = Adler32.Initial;
        long newlines = 0;
        try
        {
            using var inflater = new ZLibStream(payload, CompressionMode.Decompress, leaveOpen: true);
            int n;
            while ((n = inflater.Read(output, 0, output.Length)) > 0)
            {
                var span = new ReadOnlySpan<byte>(output, 0, n);
                adler = Adler32.Update(adler, span);
                if (countRows)
                {
                    newlines += span.Count((byte)'\n');
                    tail.Push(span);
                    if (_rowsToObserver)
                    {
                        _observer!.Rows(e, span);
                    }
                }
            }
        }
        catch (InvalidDataException ex)
        {
            throw DumpErrors.Create(
                DumpErrorIds.DumpStructureInvalid,
                $"The compressed data for {Describe(e)} is corrupt (zlib: {ex.Message.TrimEnd('.')}), near byte {_in.Position.ToString(CultureInfo.InvariantCulture)}.",
                ex);
        }

        payload.DrainToEnd();
        if (payload.PayloadBytes < 6 || payload.LastFour != adler)
        {
            throw Invalid($"the compressed data for {Describe(e)} does not end with a complete zlib stream");
        }

        return newlines;
    }

    // ------------------------------------------------------------------ primitives

    private int ReadByte()
    {
        if (!_in.Ensure(1))
        {
            throw Truncated();
        }

        return _in.Buffer[_in.Pos++];
    }

    /// <summary>pg_dump's ReadInt: a sign byte (0 or 1; absent in 1.0 archives), then intSize little-endian bytes.</summary>
    private int ReadInt()
    {
        int width = (_hasSignByte ? 1 : 0) + _intSize;
        if (!_in.Ensure(width))
        {
            throw Truncated();
        }

        var b = _in.Buffer;
        int p = _in.Pos;
        int sign = _hasSignByte ? b[p++] : 0;
        ulong value = 0;
        for (int i = 0; i < _intSize; i++)
        {
            value |= (ulong)b[p + i] << (8 * i);
        }

        _in.Pos = p + _intSize;
        if (sign > 1 || value > int.MaxValue)
        {
            throw Invalid($"the integer ending at byte {_in.Position.ToString(CultureInfo.InvariantCulture)} is not one pg_dump writes (sign byte {sign}, magnitude {value.ToString(CultureInfo.InvariantCulture)})");
        }

        return sign == 1 ? -(int)value : (int)value;
    }

    /// <summary>Reads the length of the next data chunk; 0 is the end marker.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int ReadChunkLength()
    {
        var input = _in;
        if (_fastInts && input.Available >= 5)
        {
            var b = input.Buffer;
            int p = input.Pos;
            uint value = BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(b, p + 1, 4));
            if (b[p] == 0 && value <= int.MaxValue)
            {
                input.Pos = p + 5;
                return (int)value;
            }
        }

        return ReadChunkLengthSlow();
    }

    private int ReadChunkLengthSlow()
    {
        int len = ReadInt();
        if (len < 0)
        {
            throw Invalid($"a data chunk of {Describe(_current)} has negative length {len}");
        }

        return len;
    }

    /// <summary>Skips a pg_dump string; returns its length, -1 for a null string.</summary>
    private int SkipString()
    {
        int len = ReadInt();
        if (len < -1)
        {
            throw Invalid($"a string ending at byte {_in.Position.ToString(CultureInfo.InvariantCulture)} has length {len}");
        }

        int remaining = len;
        while (remaining > 0)
        {
            int take = AvailableUpTo(remaining);
            _in.Pos += take;
            remaining -= take;
        }

        return len;
    }

    private string? ReadKeptString()
    {
        int len = ReadInt();
        if (len == -1)
        {
            return null;
        }

        if (len < -1 || len > MaxKeptString)
        {
            throw Invalid($"a name or version string ending at byte {_in.Position.ToString(CultureInfo.InvariantCulture)} has implausible length {len}");
        }

        if (_in.Ensure(Math.Min(len, _in.Capacity)) && _in.Available >= len)
        {
            string s = Encoding.UTF8.GetString(_in.Buffer, _in.Pos, len);
            _in.Pos += len;
            return s;
        }

        // Longer than the window: gather it piecewise.
        var bytes = new byte[len];
        int copied = 0;
        while (copied < len)
        {
            int take = AvailableUpTo(len - copied);
            _in.AvailableSpan[..take].CopyTo(bytes.AsSpan(copied));
            _in.Pos += take;
            copied += take;
        }

        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>
    /// How many of the next <paramref name="count"/> bytes (count &gt; 0) the window holds, refilling it
    /// first when it is empty, so at least one; the caller consumes them by advancing the position.
    /// Throws the truncation error when the stream has ended.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int AvailableUpTo(int count)
    {
        int avail = _in.Available;
        if (avail == 0)
        {
            avail = FillOrThrow();
        }

        return avail < count ? avail : count;
    }

    private int FillOrThrow()
    {
        if (_in.Fill() == 0)
        {
            throw Truncated();
        }

        return _in.Available;
    }

    // ------------------------------------------------------------------ errors

    private BackupPsException Truncated()
    {
        string where = _stage switch
        {
            Stage.Header => "the archive header",
            Stage.Toc => string.Create(CultureInfo.InvariantCulture, $"TOC entry {_tocIndex + 1} of {_tocCount}"),
            Stage.BlockHeader => "the header of a data block",
            _ => "the data for " + Describe(_current),
        };
        return DumpErrors.Truncated(where, _in.TotalRead);
    }

    private static BackupPsException Invalid(string what) =>
        DumpErrors.Create(DumpErrorIds.DumpStructureInvalid, $"The dump is not a valid custom archive: {what}.");

    private static string Describe(ArchiveEntry? e)
    {
        if (e is null)
        {
            return "an unknown entry";
        }

        if (e.IsTableData)
        {
            return string.IsNullOrEmpty(e.Namespace) ? $"table {e.Tag}" : $"table {e.Namespace}.{e.Tag}";
        }

        if (e.Desc == "BLOBS")
        {
            return string.Create(CultureInfo.InvariantCulture, $"the large objects of TOC entry {e.DumpId}");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{e.Desc} {e.Tag} (TOC entry {e.DumpId})");
    }

    private sealed record HeaderInfo(string ArchiveVersion, string? DatabaseName, string? ServerVersion, string? PgDumpVersion);
}

/// <summary>One TOC entry of a custom archive, as the parser keeps it.</summary>
internal sealed class ArchiveEntry
{
    public int Order;
    public int DumpId;
    public bool HadDumper;
    public string? Tag;
    public string Desc = string.Empty;
    public string? Namespace;

    /// <summary>The entry's SQL, kept only for the session settings a data load must repeat (ENCODING, STDSTRINGS).</summary>
    public string? Definition;

    /// <summary>"COPY schema.table (columns) FROM stdin;" for table data dumped as COPY text, else null.</summary>
    public string? CopyStatement;
    public int DataState;
    public long DataPos;

    /// <summary>Where in the archive the data-offset field (flag byte, then the offset) is; -1 before archive version 1.7.</summary>
    public long OffsetField = -1;
    public bool BlockSeen;

    /// <summary>Where the entry's data block starts and ends in the archive, once it has been read; else -1.</summary>
    public long BlockStart = -1;
    public long BlockEnd = -1;
    public long? Rows;
    public long LargeObjects;

    public bool IsTableData => Desc == "TABLE DATA";
}

/// <summary>
/// Follows a custom archive while <see cref="CustomArchiveParser"/> proves it, so a restore can load
/// what the parser reads. The parser asks, per data block, whether the observer wants the block's raw
/// bytes (<see cref="ForwardBlock"/>, written to <see cref="BlockSink"/>) or, for COPY text, the
/// payload (<see cref="Rows"/>). Everything it is given has been checked structurally, but the archive
/// as a whole is only proven when the parse ends without an exception.
/// </summary>
internal interface IArchiveObserver
{
    /// <summary>Receives the raw bytes of forwarded blocks, in archive order.</summary>
    Stream BlockSink { get; }

    /// <summary>True: the block's bytes go to <see cref="BlockSink"/>; false: COPY text goes to <see cref="Rows"/> (other blocks are dropped).</summary>
    bool ForwardBlock(ArchiveEntry entry);

    /// <summary>The next piece of the COPY text of <paramref name="entry"/>, terminator line included.</summary>
    void Rows(ArchiveEntry entry, ReadOnlySpan<byte> payload);

    /// <summary>The block of <paramref name="entry"/> has been read to its end marker.</summary>
    void BlockEnded(ArchiveEntry entry);
}
