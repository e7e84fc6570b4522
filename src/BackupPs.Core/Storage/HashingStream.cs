using System.Security.Cryptography;

namespace BackupPs.Core.Storage;

/// <summary>A SHA-256 digest and the number of bytes it covers.</summary>
/// <param name="Sha256">64 lowercase hex characters (what `sha256sum` prints).</param>
/// <param name="Length">Bytes hashed.</param>
public readonly record struct ContentHash(string Sha256, long Length);

/// <summary>
/// A pass-through stream that computes the SHA-256 of every byte that goes through it, in one direction:
/// written (write-through to the inner stream, e.g. between the compressor and the AtomicFile so the backup's
/// hash costs no second read) or read (e.g. while restoring). Using both directions on one instance throws.
/// <see cref="Complete"/> finalizes the hash; afterwards the stream accepts no more data.
/// Ownership: leaveOpen true by default (the inner stream is not disposed with this one).
/// </summary>
public sealed class HashingStream : Stream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private Direction _direction;
    private ContentHash? _result;
    private bool _disposed;

    /// <param name="inner">The stream to write to or read from.</param>
    /// <param name="leaveOpen">true (default): disposing this stream leaves <paramref name="inner"/> open.</param>
    public HashingStream(Stream inner, bool leaveOpen = true)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _leaveOpen = leaveOpen;
    }

    private enum Direction
    {
        None,
        Read,
        Write,
    }

    /// <summary>Bytes hashed so far.</summary>
    public long BytesHashed { get; private set; }

    /// <summary>True once <see cref="Complete"/> was called.</summary>
    public bool IsCompleted => _result is not null;

    /// <inheritdoc />
    public override bool CanRead => !_disposed && _result is null && _direction != Direction.Write && _inner.CanRead;

    /// <inheritdoc />
    public override bool CanWrite => !_disposed && _result is null && _direction != Direction.Read && _inner.CanWrite;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>
    /// Finalizes and returns the hash of everything that went through (idempotent). Call it after the producer
    /// finished (e.g. after the compressor's FinishAsync), not while data may still arrive.
    /// </summary>
    public ContentHash Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed && _result is null, this);
        _result ??= new ContentHash(Convert.ToHexString(_hash.GetHashAndReset()).ToLowerInvariant(), BytesHashed);
        return _result.Value;
    }

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Use(Direction.Write);
        _inner.Write(buffer);
        Append(buffer);
    }

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc />
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Use(Direction.Write);
        await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        Append(buffer.Span);
    }

    /// <inheritdoc />
    public override void WriteByte(byte value) => Write([value]);

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        Use(Direction.Read);
        int n = _inner.Read(buffer);
        Append(buffer[..n]);
        return n;
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Use(Direction.Read);
        int n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Append(buffer.Span[..n]);
        return n;
    }

    /// <inheritdoc />
    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    /// <inheritdoc />
    public override void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_direction != Direction.Read)
        {
            _inner.Flush();
        }
    }

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _direction != Direction.Read ? _inner.FlushAsync(cancellationToken) : Task.CompletedTask;
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    private void Use(Direction direction)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_result is not null)
        {
            throw new InvalidOperationException("The hash is already complete; no more data can pass through this stream.");
        }

        if (_direction != direction)
        {
            if (_direction != Direction.None)
            {
                throw new InvalidOperationException("A HashingStream hashes one direction: it cannot be both read and written.");
            }

            _direction = direction;
        }
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        _hash.AppendData(data);
        BytesHashed += data.Length;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (!_disposed)
        {
            _disposed = true;
            if (disposing)
            {
                _hash.Dispose();
                if (!_leaveOpen)
                {
                    _inner.Dispose();
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
            _hash.Dispose();
            if (!_leaveOpen)
            {
                await _inner.DisposeAsync().ConfigureAwait(false);
            }
        }

        GC.SuppressFinalize(this);
    }
}
