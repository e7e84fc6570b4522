namespace BackupPs.Core.Compression;

/// <summary>
/// A write-only stream that compresses what is written to it into an inner output stream.
/// <para>
/// Life cycle: Write/WriteAsync any number of times, then <see cref="FinishAsync"/> (or <see cref="Finish"/>)
/// to write the end of the frame/member; errors from the output (disk full, ...) surface there, before disposal.
/// Disposing an unfinished stream finishes it too, unless an earlier write failed or was cancelled, or
/// <see cref="Abandon"/> was called: then disposal only frees the native state (so a `using` never replaces
/// the original exception with a second one).
/// </para>
/// <para>
/// Ownership: by default (leaveOpen: true) the inner stream is NOT disposed with this one, because the backup
/// pipeline must still commit the file after the compressor finished. Pass leaveOpen: false to hand it over.
/// </para>
/// <para>Not thread-safe: one writer at a time, like any Stream.</para>
/// </summary>
public abstract class CompressorStream : Stream
{
    private readonly bool _leaveOpen;
    private readonly string _format;
    private readonly string _unit;
    private bool _disposed;

    /// <param name="output">Where the compressed data goes; must be writable.</param>
    /// <param name="leaveOpen">false: disposing this stream disposes <paramref name="output"/> too.</param>
    /// <param name="format">The format's name in messages: "gzip", "zstd".</param>
    /// <param name="unit">What the format calls one finished output, in messages: "member", "frame".</param>
    private protected CompressorStream(Stream output, bool leaveOpen, string format, string unit)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!output.CanWrite)
        {
            throw new ArgumentException("The output stream must be writable.", nameof(output));
        }

        Output = output;
        _leaveOpen = leaveOpen;
        _format = format;
        _unit = unit;
    }

    /// <summary>The format being written.</summary>
    public abstract CompressionKind Kind { get; }

    /// <summary>Uncompressed bytes accepted so far.</summary>
    public long BytesIn { get; private protected set; }

    /// <summary>Compressed bytes written to the inner stream so far.</summary>
    public long BytesOut { get; private protected set; }

    /// <summary>True once the frame/member end has been written.</summary>
    public bool IsFinished { get; private set; }

    /// <summary>True after a write/flush/finish failed or <see cref="Abandon"/> was called: nothing more is written.</summary>
    public bool IsFaulted => Faulted;

    private protected bool Faulted { get; set; }

    /// <summary>The inner stream the compressed data goes to.</summary>
    private protected Stream Output { get; }

    /// <summary>
    /// Gives up on the output: later writes throw and disposal frees the native state without writing the end of
    /// the frame. Call it in a failure path (e.g. the dump failed, the file will be deleted) so that disposing
    /// cannot raise a second error, such as a full disk, over the original one.
    /// </summary>
    public void Abandon() => Faulted = true;

    /// <summary>Writes the end of the compressed data and flushes the inner stream. Idempotent.</summary>
    public void Finish()
    {
        if (IsFinished)
        {
            return;
        }

        EnsureWritable();
        try
        {
            FinishCore();
        }
        catch
        {
            // A failed finish leaves the output incomplete whatever the format: never try again on
            // disposal, where a second failure would replace this one.
            Faulted = true;
            throw;
        }

        IsFinished = true;
    }

    /// <summary>Writes the end of the compressed data and flushes the inner stream. Idempotent.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken = default)
    {
        if (IsFinished)
        {
            return;
        }

        EnsureWritable();
        try
        {
            await FinishCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Faulted = true;
            throw;
        }

        IsFinished = true;
    }

    /// <inheritdoc />
    public sealed override bool CanRead => false;

    /// <inheritdoc />
    public sealed override bool CanSeek => false;

    /// <inheritdoc />
    public sealed override bool CanWrite => !_disposed && !IsFinished;

    /// <inheritdoc />
    public sealed override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public sealed override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc />
    public sealed override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public sealed override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    /// <inheritdoc />
    public override void WriteByte(byte value) => Write([value]);

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc />
    public sealed override void Write(ReadOnlySpan<byte> buffer)
    {
        EnsureWritable();
        WriteCore(buffer);
    }

    /// <inheritdoc />
    public sealed override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        return WriteCoreAsync(buffer, cancellationToken);
    }

    /// <summary>
    /// Makes everything written so far decodable (how, and at what cost, is up to the format) and flushes the
    /// inner stream. A no-op once finished, after a failed write or after <see cref="Abandon"/>.
    /// </summary>
    public sealed override void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsFinished || Faulted)
        {
            return;
        }

        FlushCore();
    }

    /// <inheritdoc cref="Flush" />
    public sealed override async Task FlushAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsFinished || Faulted)
        {
            return;
        }

        await FlushCoreAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Compresses <paramref name="buffer"/> into <see cref="Output"/>; only called while writable. The format decides
    /// which failures leave the output incomplete and set <see cref="Faulted"/>.
    /// </summary>
    private protected abstract void WriteCore(ReadOnlySpan<byte> buffer);

    /// <inheritdoc cref="WriteCore" />
    private protected abstract ValueTask WriteCoreAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Writes the end of the frame/member and flushes <see cref="Output"/>; only called while writable.</summary>
    private protected abstract void FinishCore();

    /// <inheritdoc cref="FinishCore" />
    private protected abstract Task FinishCoreAsync(CancellationToken cancellationToken);

    /// <summary>The format's flush; only called while writable.</summary>
    private protected abstract void FlushCore();

    /// <inheritdoc cref="FlushCore" />
    private protected abstract Task FlushCoreAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Frees the encoder's native state without writing anything more (the output may have failed or been
    /// abandoned). Called on disposal whether or not the stream was finished, so it must be idempotent.
    /// </summary>
    private protected abstract void ReleaseEncoder();

    /// <summary>Throws unless more data may be written: not disposed, not finished, not faulted.</summary>
    private protected void EnsureWritable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsFinished)
        {
            throw new InvalidOperationException($"The {_format} {_unit} is already finished; no more data can be written.");
        }

        if (Faulted)
        {
            throw new InvalidOperationException($"An earlier write to the {_format} stream failed or it was abandoned; the compressed output is incomplete.");
        }
    }

    /// <summary>Finishes the frame/member unless a write failed or the stream was abandoned, then frees the
    /// encoder's native state (and closes the output unless leaveOpen).</summary>
    protected sealed override void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            if (disposing && !IsFinished && !Faulted)
            {
                Finish();
            }
        }
        finally
        {
            _disposed = true;
            if (disposing)
            {
                ReleaseEncoder();
                if (!_leaveOpen)
                {
                    Output.Dispose();
                }
            }

            base.Dispose(disposing);
        }
    }

    /// <inheritdoc cref="Dispose(bool)" />
    public sealed override async ValueTask DisposeAsync()
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
            ReleaseEncoder();
            if (!_leaveOpen)
            {
                await Output.DisposeAsync().ConfigureAwait(false);
            }

            GC.SuppressFinalize(this);
        }
    }
}

/// <summary>
/// A read-only stream that decompresses an inner stream and throws a BackupPsException (InvalidData) when the
/// input is truncated or corrupt: a read that returns 0 means the compressed data was complete and verified.
/// Verification happens only there: a consumer that stops reading early (it found what it needed) must read
/// on to the end, e.g. CopyTo(Stream.Null), to have the file checked.
/// Ownership: by default (leaveOpen: true) the inner stream is not disposed with this one.
/// </summary>
public abstract class DecompressorStream : Stream
{
    private readonly bool _leaveOpen;
    private bool _ended;
    private Exception? _failure;
    private bool _disposed;

    /// <param name="input">The compressed data; must be readable.</param>
    /// <param name="leaveOpen">false: disposing this stream disposes <paramref name="input"/> too.</param>
    /// <param name="sourceName">Named in error messages (e.g. the file path); optional.</param>
    /// <param name="format">The format's name in messages: "gzip", "zstd".</param>
    private protected DecompressorStream(Stream input, bool leaveOpen, string? sourceName, string format)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!input.CanRead)
        {
            throw new ArgumentException("The input stream must be readable.", nameof(input));
        }

        Input = input;
        _leaveOpen = leaveOpen;
        SourceName = sourceName;
        Format = format;
    }

    /// <summary>The format being read.</summary>
    public abstract CompressionKind Kind { get; }

    /// <summary>Compressed bytes read from the inner stream so far (for progress against the file size).</summary>
    public long BytesIn { get; private protected set; }

    /// <summary>Decompressed bytes returned so far.</summary>
    public long BytesOut { get; private protected set; }

    /// <summary>The inner stream the compressed data comes from.</summary>
    private protected Stream Input { get; }

    /// <summary>Named in error messages; may be null.</summary>
    private protected string? SourceName { get; }

    /// <summary>The format's name in error messages.</summary>
    private protected string Format { get; }

    /// <inheritdoc />
    public sealed override bool CanRead => !_disposed;

    /// <inheritdoc />
    public sealed override bool CanWrite => false;

    /// <inheritdoc />
    public sealed override bool CanSeek => false;

    /// <inheritdoc />
    public sealed override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public sealed override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc />
    public sealed override void Flush()
    {
    }

    /// <inheritdoc />
    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public sealed override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    /// <inheritdoc />
    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc />
    public sealed override int Read(Span<byte> buffer)
    {
        ThrowIfUnusable();
        if (buffer.IsEmpty || _ended)
        {
            return 0;
        }

        try
        {
            return RecordEnd(ReadCore(buffer));
        }
        catch (Exception e)
        {
            _failure = e;
            throw;
        }
    }

    /// <inheritdoc />
    public sealed override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        return buffer.IsEmpty || _ended ? ValueTask.FromResult(0) : ReadAndRecordAsync(buffer, cancellationToken);
    }

    /// <summary>
    /// Decodes into <paramref name="buffer"/> (never empty): the number of bytes produced, or 0 only once the
    /// input ended and the data was verified complete; throws BackupPsException (InvalidData) otherwise.
    /// </summary>
    private protected abstract int ReadCore(Span<byte> buffer);

    /// <inheritdoc cref="ReadCore" />
    private protected abstract ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Frees the decoder; called once, on disposal.</summary>
    private protected abstract void ReleaseDecoder();

    /// <inheritdoc cref="ReleaseDecoder" />
    private protected virtual ValueTask ReleaseDecoderAsync()
    {
        ReleaseDecoder();
        return ValueTask.CompletedTask;
    }

    private async ValueTask<int> ReadAndRecordAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            return RecordEnd(await ReadCoreAsync(buffer, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _failure = e;
            throw;
        }
    }

    /// <summary>A 0 from the decoder is the verified end: later reads return 0 without touching the input.</summary>
    private int RecordEnd(int produced)
    {
        _ended = produced == 0;
        return produced;
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failure is not null)
        {
            throw new InvalidOperationException($"An earlier read of this {Format} stream failed; it cannot be read further.", _failure);
        }
    }

    /// <inheritdoc />
    protected sealed override void Dispose(bool disposing)
    {
        if (!_disposed)
        {
            _disposed = true;
            if (disposing)
            {
                ReleaseDecoder();
                if (!_leaveOpen)
                {
                    Input.Dispose();
                }
            }
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc />
    public sealed override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            await ReleaseDecoderAsync().ConfigureAwait(false);
            if (!_leaveOpen)
            {
                await Input.DisposeAsync().ConfigureAwait(false);
            }
        }

        GC.SuppressFinalize(this);
    }
}
