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
    private protected CompressorStream()
    {
    }

    /// <summary>The format being written.</summary>
    public abstract CompressionKind Kind { get; }

    /// <summary>Uncompressed bytes accepted so far.</summary>
    public long BytesIn { get; private protected set; }

    /// <summary>Compressed bytes written to the inner stream so far.</summary>
    public long BytesOut { get; private protected set; }

    /// <summary>True once the frame/member end has been written.</summary>
    public bool IsFinished { get; private protected set; }

    /// <summary>True after a write/flush/finish failed or <see cref="Abandon"/> was called: nothing more is written.</summary>
    public bool IsFaulted => Faulted;

    private protected bool Faulted { get; set; }

    /// <summary>
    /// Gives up on the output: later writes throw and disposal frees the native state without writing the end of
    /// the frame. Call it in a failure path (e.g. the dump failed, the file will be deleted) so that disposing
    /// cannot raise a second error, such as a full disk, over the original one.
    /// </summary>
    public void Abandon() => Faulted = true;

    /// <summary>Writes the end of the compressed data and flushes the inner stream. Idempotent.</summary>
    public abstract void Finish();

    /// <summary>Writes the end of the compressed data and flushes the inner stream. Idempotent.</summary>
    public abstract Task FinishAsync(CancellationToken cancellationToken = default);

    /// <inheritdoc />
    public sealed override bool CanRead => false;

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
    public abstract override void Write(ReadOnlySpan<byte> buffer);

    /// <inheritdoc />
    public abstract override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default);
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
    private protected DecompressorStream()
    {
    }

    /// <summary>The format being read.</summary>
    public abstract CompressionKind Kind { get; }

    /// <summary>Compressed bytes read from the inner stream so far (for progress against the file size).</summary>
    public long BytesIn { get; private protected set; }

    /// <summary>Decompressed bytes returned so far.</summary>
    public long BytesOut { get; private protected set; }

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
    public abstract override int Read(Span<byte> buffer);

    /// <inheritdoc />
    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);
}
