using System.Buffers.Binary;
using System.IO.Compression;

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
    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private bool _disposed;

    /// <param name="output">Where the gzip member goes; must be writable.</param>
    /// <param name="level">0..9 like gzip -N, mapped onto .NET's levels (net8.0 has no numeric zlib level):
    /// 0 = NoCompression, 1-3 = Fastest, 4-6 = Optimal, 7-9 = SmallestSize; null = 1 (Fastest).</param>
    /// <param name="leaveOpen">true (default): disposing this stream leaves <paramref name="output"/> open.</param>
    public GzipCompressStream(Stream output, int? level = null, bool leaveOpen = true)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!output.CanWrite)
        {
            throw new ArgumentException("The output stream must be writable.", nameof(output));
        }

        Level = level ?? DefaultLevel;
        CompressionLevel = ToCompressionLevel(Level);
        _output = output;
        _leaveOpen = leaveOpen;
        _counter = new CountingWriteStream(output);
        _gzip = new GZipStream(_counter, CompressionLevel, leaveOpen: true);
    }

    /// <inheritdoc />
    public override CompressionKind Kind => CompressionKind.Gzip;

    /// <summary>The numeric level (0..9) this stream was asked for.</summary>
    public int Level { get; }

    /// <summary>The .NET level actually used.</summary>
    public CompressionLevel CompressionLevel { get; }

    /// <inheritdoc />
    public override bool CanWrite => !_disposed && !IsFinished;

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
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        EnsureWritable();
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
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        return WriteCoreAsync(buffer, cancellationToken);
    }

    private async ValueTask WriteCoreAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
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

    /// <summary>A zlib sync flush (everything written so far becomes decodable); costs ratio. No-op once finished.</summary>
    public override void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsFinished || Faulted)
        {
            return;
        }

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

    /// <inheritdoc cref="Flush" />
    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsFinished || Faulted)
        {
            return;
        }

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
    public override void Finish()
    {
        if (IsFinished)
        {
            return;
        }

        EnsureWritable();
        try
        {
            if (BytesIn == 0 && _counter.BytesWritten == 0)
            {
                ReleaseWithoutWriting();
                _counter.Discard = false;
                _counter.Write(EmptyMember);
            }
            else
            {
                _gzip.Dispose(); // writes the final block and the CRC32/ISIZE trailer
            }

            _output.Flush();
            BytesOut = _counter.BytesWritten;
            IsFinished = true;
        }
        catch
        {
            Faulted = true;
            throw;
        }
    }

    /// <inheritdoc />
    public override async Task FinishAsync(CancellationToken cancellationToken = default)
    {
        if (IsFinished)
        {
            return;
        }

        EnsureWritable();
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (BytesIn == 0 && _counter.BytesWritten == 0)
            {
                ReleaseWithoutWriting();
                _counter.Discard = false;
                await _counter.WriteAsync(EmptyMember.ToArray(), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _gzip.DisposeAsync().ConfigureAwait(false); // writes the final block and the CRC32/ISIZE trailer
            }

            await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
            BytesOut = _counter.BytesWritten;
            IsFinished = true;
        }
        catch
        {
            Faulted = true;
            throw;
        }
    }

    private void EnsureWritable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsFinished)
        {
            throw new InvalidOperationException("The gzip member is already finished; no more data can be written.");
        }

        if (Faulted)
        {
            throw new InvalidOperationException("An earlier write to the gzip stream failed or it was abandoned; the compressed output is incomplete.");
        }
    }

    /// <summary>Finishes the member unless a write failed (then only frees zlib's state), closes the output unless leaveOpen.</summary>
    protected override void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            if (disposing && !IsFinished)
            {
                if (Faulted)
                {
                    ReleaseWithoutWriting();
                }
                else
                {
                    Finish();
                }
            }
        }
        finally
        {
            _disposed = true;
            if (disposing)
            {
                if (!IsFinished)
                {
                    ReleaseWithoutWriting();
                }

                if (!_leaveOpen)
                {
                    _output.Dispose();
                }
            }

            base.Dispose(disposing);
        }
    }

    /// <inheritdoc cref="Dispose(bool)" />
    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            if (!IsFinished && !Faulted)
            {
                await FinishAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _disposed = true;
            if (!IsFinished)
            {
                ReleaseWithoutWriting();
            }

            if (!_leaveOpen)
            {
                await _output.DisposeAsync().ConfigureAwait(false);
            }

            GC.SuppressFinalize(this);
        }
    }

    private void ReleaseWithoutWriting()
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
    private const string Format = "gzip";
    private const int MinimumGzipLength = 18; // 10-byte header + 8-byte trailer

    private readonly Stream _input;
    private readonly bool _leaveOpen;
    private readonly string? _sourceName;
    private readonly TailTrackingReadStream _tracker;

    private static ReadOnlySpan<byte> EmptyFixedBlock => [0x03, 0x00];

    private static ReadOnlySpan<byte> EmptyStoredBlock => [0x01, 0x00, 0x00, 0xFF, 0xFF];
    private readonly GZipStream _gzip;
    private uint _crc;
    private bool _ended;
    private Exception? _failure;
    private bool _disposed;

    /// <param name="input">The gzip data; must be readable.</param>
    /// <param name="leaveOpen">true (default): disposing this stream leaves <paramref name="input"/> open.</param>
    /// <param name="sourceName">Named in error messages (e.g. the file path); optional.</param>
    public GzipDecompressStream(Stream input, bool leaveOpen = true, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!input.CanRead)
        {
            throw new ArgumentException("The input stream must be readable.", nameof(input));
        }

        _input = input;
        _leaveOpen = leaveOpen;
        _sourceName = sourceName;
        _tracker = new TailTrackingReadStream(input);
        _gzip = new GZipStream(_tracker, CompressionMode.Decompress, leaveOpen: true);
    }

    /// <inheritdoc />
    public override CompressionKind Kind => CompressionKind.Gzip;

    /// <inheritdoc />
    public override bool CanRead => !_disposed;

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        ThrowIfUnusable();
        if (buffer.IsEmpty || _ended)
        {
            return 0;
        }

        try
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
        catch (Exception e)
        {
            _failure = e;
            throw;
        }
    }

    /// <inheritdoc />
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        return buffer.IsEmpty || _ended ? ValueTask.FromResult(0) : ReadCoreAsync(buffer, cancellationToken);
    }

    private async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
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
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _failure = e;
            throw;
        }
    }

    private void Produced(ReadOnlySpan<byte> data)
    {
        _crc = Crc32.Append(_crc, data);
        BytesOut += data.Length;
    }

    private void VerifyTrailer()
    {
        long inputLength = _tracker.BytesRead;
        BytesIn = inputLength;
        if (inputLength < MinimumGzipLength)
        {
            throw CompressionErrors.Truncated(_sourceName, Format, inputLength,
                inputLength == 0 ? "it is empty" : "shorter than a gzip header and trailer");
        }

        ReadOnlySpan<byte> tail = _tracker.Tail;
        ReadOnlySpan<byte> trailer = tail[^8..];
        uint expectedCrc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        uint expectedSize = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
        if (expectedCrc != _crc || expectedSize != unchecked((uint)BytesOut))
        {
            // zlib itself checks the trailer when it reaches it (a mismatch there is InvalidDataException),
            // so a trailer that does not match here was never reached: the data stops early.
            throw CompressionErrors.Truncated(_sourceName, Format, inputLength,
                $"the gzip trailer does not match the {BytesOut} bytes decoded");
        }

        // Empty content has an all-zero trailer (CRC 0, length 0), which a file cut inside that trailer still
        // "matches". So for empty content the trailer must follow an empty final deflate block as encoders
        // write it: fixed Huffman 03 00 (zlib level >= 1, gzip, pigz, BackupPs) or stored 01 00 00 FF FF (level 0).
        if (BytesOut == 0 && !tail[..^8].EndsWith(EmptyFixedBlock) && !tail[..^8].EndsWith(EmptyStoredBlock))
        {
            throw CompressionErrors.Truncated(_sourceName, Format, inputLength, "the empty gzip member is incomplete");
        }

        _ended = true;
    }

    // zlib rejected the data (bad block, CRC/length mismatch, garbage after the member; or, only in a host
    // that switched on System.IO.Compression.UseStrictValidation, a truncation).
    private Exception Map(InvalidDataException e) =>
        CompressionErrors.Corrupt(_sourceName, Format, _tracker.BytesRead, e.Message, e);

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failure is not null)
        {
            throw new InvalidOperationException("An earlier read of this gzip stream failed; it cannot be read further.", _failure);
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (!_disposed)
        {
            _disposed = true;
            if (disposing)
            {
                _gzip.Dispose();
                if (!_leaveOpen)
                {
                    _input.Dispose();
                }
            }
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            await _gzip.DisposeAsync().ConfigureAwait(false);
            if (!_leaveOpen)
            {
                await _input.DisposeAsync().ConfigureAwait(false);
            }
        }

        GC.SuppressFinalize(this);
    }
}
