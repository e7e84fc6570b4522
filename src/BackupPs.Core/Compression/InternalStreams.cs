namespace BackupPs.Core.Compression;

/// <summary>Base for the small forward-only adapters below.</summary>
internal abstract class ForwardOnlyStream : Stream
{
    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>Base for the read-only adapters below: everything but the span/memory reads.</summary>
internal abstract class ForwardOnlyReadStream : ForwardOnlyStream
{
    public sealed override bool CanRead => true;

    public sealed override bool CanWrite => false;

    public sealed override void Flush()
    {
    }

    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public sealed override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public sealed override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public abstract override int Read(Span<byte> buffer);

    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);
}

/// <summary>Replays bytes already read (the magic-number peek) before the rest of an inner stream.</summary>
internal sealed class PrefixedReadStream : ForwardOnlyReadStream
{
    private readonly byte[] _prefix;
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private int _prefixPosition;

    public PrefixedReadStream(ReadOnlySpan<byte> prefix, Stream inner, bool leaveOpen)
    {
        _prefix = prefix.ToArray();
        _inner = inner;
        _leaveOpen = leaveOpen;
    }

    public override int Read(Span<byte> buffer)
    {
        if (_prefixPosition < _prefix.Length && !buffer.IsEmpty)
        {
            int n = Math.Min(buffer.Length, _prefix.Length - _prefixPosition);
            _prefix.AsSpan(_prefixPosition, n).CopyTo(buffer);
            _prefixPosition += n;
            return n;
        }

        return _inner.Read(buffer);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_prefixPosition < _prefix.Length && !buffer.IsEmpty)
        {
            return ValueTask.FromResult(Read(buffer.Span));
        }

        return _inner.ReadAsync(buffer, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_leaveOpen)
        {
            await _inner.DisposeAsync().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// Read pass-through that counts bytes, remembers the last 16 bytes returned (the gzip trailer of a
/// single-member file and what precedes it). Never closes the inner stream.
/// </summary>
internal sealed class TailTrackingReadStream : ForwardOnlyReadStream
{
    private readonly Stream _inner;
    private const int TailSize = 16;
    private readonly byte[] _tail = new byte[TailSize];
    private int _tailLength;

    public TailTrackingReadStream(Stream inner) => _inner = inner;

    public long BytesRead { get; private set; }

    /// <summary>The last min(16, BytesRead) bytes read, in order.</summary>
    public ReadOnlySpan<byte> Tail => _tail.AsSpan(TailSize - _tailLength);

    public override int Read(Span<byte> buffer)
    {
        int n = _inner.Read(buffer);
        Track(buffer[..n]);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Track(buffer.Span[..n]);
        return n;
    }

    private void Track(ReadOnlySpan<byte> read)
    {
        if (read.IsEmpty)
        {
            return;
        }

        BytesRead += read.Length;
        if (read.Length >= TailSize)
        {
            read[^TailSize..].CopyTo(_tail);
            _tailLength = TailSize;
            return;
        }

        // Shift the window left by read.Length and append.
        _tail.AsSpan(read.Length).CopyTo(_tail);
        read.CopyTo(_tail.AsSpan(TailSize - read.Length));
        _tailLength = Math.Min(TailSize, _tailLength + read.Length);
    }
}

/// <summary>
/// Write pass-through that counts bytes and, once <see cref="Discard"/> is set, drops writes: lets a failed
/// GZipStream be disposed (which always tries to write its end) without touching the real output again.
/// Never closes the inner stream.
/// </summary>
internal sealed class CountingWriteStream : ForwardOnlyStream
{
    private readonly Stream _inner;

    public CountingWriteStream(Stream inner) => _inner = inner;

    public long BytesWritten { get; private set; }

    public bool Discard { get; set; }

    public override bool CanRead => false;

    public override bool CanWrite => true;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Flush()
    {
        if (!Discard)
        {
            _inner.Flush();
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        Discard ? Task.CompletedTask : _inner.FlushAsync(cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (Discard)
        {
            return;
        }

        _inner.Write(buffer);
        BytesWritten += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Discard)
        {
            return;
        }

        await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        BytesWritten += buffer.Length;
    }
}
