using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace BackupPs.Core.Compression;

/// <summary>
/// Writes one gzip member (RFC 1952, readable by `gunzip`) through System.IO.Compression.GZipStream.
/// See <see cref="CompressorStream"/> for the life cycle and ownership rules.
/// </summary>
public sealed class GzipCompressStream : CompressorStream
{
    /// <summary>The level used when none is given: 1 (CompressionLevel.Fastest).</summary>
    public const int DefaultLevel = 1;

    /// <summary>
    /// A complete gzip member for empty input, written by this class itself: GZipStream writes nothing at all
    /// when nothing was written to it (observed on .NET 10; a 0-byte .gz is rejected by gunzip), and other
    /// runtimes may differ. Header (no name, mtime 0, OS Unix), an empty final fixed-Huffman block, CRC32 0
    /// and length 0: byte for byte what `gzip -n` writes for an empty input.
    /// </summary>
    private static ReadOnlySpan<byte> EmptyMember =>
        [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];

    /// <summary>Lowest accepted level (0 = stored, no compression).</summary>
    public const int MinLevel = 0;

    /// <summary>Highest accepted level.</summary>
    public const int MaxLevel = 9;

    private readonly CountingWriteStream _counter;
    private readonly GZipStream _gzip;

    /// <param name="output">Where the gzip member goes; must be writable.</param>
    /// <param name="level">0..9 like gzip -N, mapped onto .NET's levels (net8.0 has no numeric zlib level):
    /// 0 = NoCompression, 1-3 = Fastest, 4-6 = Optimal, 7-9 = SmallestSize; null = 1 (Fastest).</param>
    /// <param name="leaveOpen">true (default): disposing this stream leaves <paramref name="output"/> open.</param>
    public GzipCompressStream(Stream output, int? level = null, bool leaveOpen = true)
        : base(output, leaveOpen, "gzip", "member")
    {
        Level = level ?? DefaultLevel;
        CompressionLevel = ToCompressionLevel(Level);
        _counter = new CountingWriteStream(output);
        _gzip = new GZipStream(_counter, CompressionLevel, leaveOpen: true);
    }

    /// <inheritdoc />
    public override CompressionKind Kind => CompressionKind.Gzip;

    /// <summary>The numeric level (0..9) this stream was asked for.</summary>
    public int Level { get; }

    /// <summary>The .NET level actually used.</summary>
    public CompressionLevel CompressionLevel { get; }

    /// <summary>Maps a gzip -N style level onto .NET's CompressionLevel.</summary>
    public static CompressionLevel ToCompressionLevel(int level) => level switch
    {
        0 => CompressionLevel.NoCompression,
        >= 1 and <= 3 => CompressionLevel.Fastest,
        >= 4 and <= 6 => CompressionLevel.Optimal,
        >= 7 and <= 9 => CompressionLevel.SmallestSize,
        _ => throw CompressionErrors.InvalidLevel(CompressionKind.Gzip, level, MinLevel, MaxLevel),
    };

    /// <inheritdoc />
    private protected override void WriteCore(ReadOnlySpan<byte> buffer)
    {
        try
        {
            _gzip.Write(buffer);
            BytesIn += buffer.Length;
            BytesOut = _counter.BytesWritten;
        }
        catch
        {
            Faulted = true;
            throw;
        }
    }

    /// <inheritdoc />
    private protected override async ValueTask WriteCoreAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            await _gzip.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            BytesIn += buffer.Length;
            BytesOut = _counter.BytesWritten;
        }
        catch
        {
            Faulted = true;
            throw;
        }
    }

    /// <summary>A zlib sync flush (everything written so far becomes decodable); costs ratio.</summary>
    private protected override void FlushCore()
    {
        try
        {
            _gzip.Flush();
            BytesOut = _counter.BytesWritten;
        }
        catch
        {
            Faulted = true;
            throw;
        }
    }

    /// <inheritdoc cref="FlushCore" />
    private protected override async Task FlushCoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _gzip.FlushAsync(cancellationToken).ConfigureAwait(false);
            BytesOut = _counter.BytesWritten;
        }
        catch
        {
            Faulted = true;
            throw;
        }
    }

    /// <inheritdoc />
    private protected override void FinishCore()
    {
        try
        {
            if (BytesIn == 0 && _counter.BytesWritten == 0)
            {
                ReleaseEncoder();
                _counter.Discard = false;
                _counter.Write(EmptyMember);
            }
            else
            {
                _gzip.Dispose(); // writes the final block and the CRC32/ISIZE trailer
            }

            Output.Flush();
            BytesOut = _counter.BytesWritten;
        }
        catch
        {
            Faulted = true;
            throw;
        }
    }

    /// <inheritdoc />
    private protected override async Task FinishCoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (BytesIn == 0 && _counter.BytesWritten == 0)
            {
                ReleaseEncoder();
                _counter.Discard = false;
                await _counter.WriteAsync(EmptyMember.ToArray(), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _gzip.DisposeAsync().ConfigureAwait(false); // writes the final block and the CRC32/ISIZE trailer
            }

            await Output.FlushAsync(cancellationToken).ConfigureAwait(false);
            BytesOut = _counter.BytesWritten;
        }
        catch
        {
            Faulted = true;
            throw;
        }
    }

    /// <summary>Frees zlib's state; whatever GZipStream writes on disposal (it always tries to end the member) is dropped.</summary>
    private protected override void ReleaseEncoder()
    {
        _counter.Discard = true;
        try
        {
            _gzip.Dispose();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // Nothing reaches the output any more; the native deflater is freed either way.
        }
    }
}

/// <summary>
/// Reads a gzip file through System.IO.Compression.GZipStream and verifies what GZipStream does not: by
/// default .NET ends a truncated gzip stream silently (strict validation is an opt-in AppContext switch), so
/// this stream computes CRC-32 and length of everything it returns and, at the end of the input, compares them
/// with the trailer (the last 8 bytes). A read returns 0 only when they match; otherwise BackupPsException
/// (InvalidData): CompressedStreamTruncated, or CompressedStreamCorrupt for bad data or trailing bytes.
/// Limitation: the check assumes a single gzip member (what BackupPs, gzip, pigz and pg_dump|gzip write);
/// a concatenation of several members (`cat a.gz b.gz`) is reported as damaged although gunzip accepts it.
/// Ownership: leaveOpen true by default.
/// </summary>
public sealed class GzipDecompressStream : DecompressorStream
{
    private const int MinimumGzipLength = 18; // 10-byte header + 8-byte trailer

    private readonly TailTrackingReadStream _tracker;
    private readonly GZipStream _gzip;
    private readonly Crc32 _crc = new();

    private static ReadOnlySpan<byte> EmptyFixedBlock => [0x03, 0x00];

    private static ReadOnlySpan<byte> EmptyStoredBlock => [0x01, 0x00, 0x00, 0xFF, 0xFF];

    /// <param name="input">The gzip data; must be readable.</param>
    /// <param name="leaveOpen">true (default): disposing this stream leaves <paramref name="input"/> open.</param>
    /// <param name="sourceName">Named in error messages (e.g. the file path); optional.</param>
    public GzipDecompressStream(Stream input, bool leaveOpen = true, string? sourceName = null)
        : base(input, leaveOpen, sourceName, "gzip")
    {
        _tracker = new TailTrackingReadStream(input);
        _gzip = new GZipStream(_tracker, CompressionMode.Decompress, leaveOpen: true);
    }

    /// <inheritdoc />
    public override CompressionKind Kind => CompressionKind.Gzip;

    /// <inheritdoc />
    private protected override int ReadCore(Span<byte> buffer)
    {
        int n;
        try
        {
            n = _gzip.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            throw Map(e);
        }

        BytesIn = _tracker.BytesRead;
        if (n > 0)
        {
            Produced(buffer[..n]);
            return n;
        }

        Span<byte> scratch = stackalloc byte[512];
        while (_tracker.Read(scratch) > 0)
        {
            // Drain whatever GZipStream left unread, so the tail is the input's real end.
        }

        VerifyTrailer();
        return 0;
    }

    /// <inheritdoc />
    private protected override async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int n;
        try
        {
            n = await _gzip.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw Map(e);
        }

        BytesIn = _tracker.BytesRead;
        if (n > 0)
        {
            Produced(buffer.Span[..n]);
            return n;
        }

        byte[] scratch = new byte[512];
        while (await _tracker.ReadAsync(scratch, cancellationToken).ConfigureAwait(false) > 0)
        {
            // Drain whatever GZipStream left unread, so the tail is the input's real end.
        }

        VerifyTrailer();
        return 0;
    }

    private void Produced(ReadOnlySpan<byte> data)
    {
        _crc.Append(data);
        BytesOut += data.Length;
    }

    private void VerifyTrailer()
    {
        long inputLength = _tracker.BytesRead;
        BytesIn = inputLength;
        if (inputLength < MinimumGzipLength)
        {
            throw CompressionErrors.Truncated(SourceName, Format, inputLength,
                inputLength == 0 ? "it is empty" : "shorter than a gzip header and trailer");
        }

        ReadOnlySpan<byte> tail = _tracker.Tail;
        ReadOnlySpan<byte> trailer = tail[^8..];
        uint expectedCrc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        uint expectedSize = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
        if (expectedCrc != _crc.GetCurrentHashAsUInt32() || expectedSize != unchecked((uint)BytesOut))
        {
            // zlib itself checks the trailer when it reaches it (a mismatch there is InvalidDataException),
            // so a trailer that does not match here was never reached: the data stops early.
            throw CompressionErrors.Truncated(SourceName, Format, inputLength,
                $"the gzip trailer does not match the {BytesOut} bytes decoded");
        }

        // Empty content has an all-zero trailer (CRC 0, length 0), which a file cut inside that trailer still
        // "matches". So for empty content the trailer must follow an empty final deflate block as encoders
        // write it: fixed Huffman 03 00 (zlib level >= 1, gzip, pigz, BackupPs) or stored 01 00 00 FF FF (level 0).
        if (BytesOut == 0 && !tail[..^8].EndsWith(EmptyFixedBlock) && !tail[..^8].EndsWith(EmptyStoredBlock))
        {
            throw CompressionErrors.Truncated(SourceName, Format, inputLength, "the empty gzip member is incomplete");
        }
    }

    // zlib rejected the data (bad block, CRC/length mismatch, garbage after the member; or, only in a host
    // that switched on System.IO.Compression.UseStrictValidation, a truncation).
    private Exception Map(InvalidDataException e) =>
        CompressionErrors.Corrupt(SourceName, Format, _tracker.BytesRead, e.Message, e);

    /// <inheritdoc />
    private protected override void ReleaseDecoder() => _gzip.Dispose();

    /// <inheritdoc />
    private protected override ValueTask ReleaseDecoderAsync() => _gzip.DisposeAsync();
}
