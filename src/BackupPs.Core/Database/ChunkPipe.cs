using System.Buffers;
using System.Collections.Concurrent;
using BackupPs.Core.Storage;

namespace BackupPs.Core.Database;

/// <summary>
/// A bounded in-process pipe between the thread draining the Docker socket and the thread parsing
/// and compressing the dump. Writes are coalesced into 1 MiB chunks and at most
/// <c>maxChunks</c> wait, so memory stays bounded whatever the database size, while short stalls of
/// the compressor do not stall the socket. (System.IO.Pipelines would do this, but it is not part of
/// the .NET 8 runtime that pwsh 7.4 loads, and the module ships no dependencies.)
/// </summary>
internal sealed class ChunkPipe : IDisposable
{
    private const int ChunkSize = 1 << 20;

    private readonly BlockingCollection<(byte[] Buffer, int Length)> _chunks;
    private readonly CancellationToken _cancellationToken;
    private Exception? _failure;

    public ChunkPipe(int maxChunks, CancellationToken cancellationToken)
    {
        _chunks = new BlockingCollection<(byte[], int)>(maxChunks);
        _cancellationToken = cancellationToken;
        Writer = new WriteEnd(this);
        Reader = new ReadEnd(this);
    }

    public Stream Writer { get; }

    public Stream Reader { get; }

    /// <summary>Ends the stream: the reader sees EOF after the buffered data, or <paramref name="failure"/>.</summary>
    public void Complete(Exception? failure = null)
    {
        if (failure is null)
        {
            ((WriteEnd)Writer).FlushChunk();
        }

        _failure = failure;
        _chunks.CompleteAdding();
    }

    public void Dispose()
    {
        while (_chunks.TryTake(out var chunk))
        {
            ArrayPool<byte>.Shared.Return(chunk.Buffer);
        }

        _chunks.Dispose();
    }

    private sealed class WriteEnd(ChunkPipe pipe) : WriteOnlyStream
    {
        private byte[]? _current;
        private int _length;

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty)
            {
                _current ??= ArrayPool<byte>.Shared.Rent(ChunkSize);
                var n = Math.Min(buffer.Length, ChunkSize - _length);
                buffer[..n].CopyTo(_current.AsSpan(_length));
                _length += n;
                buffer = buffer[n..];
                if (_length == ChunkSize)
                {
                    FlushChunk();
                }
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            // Blocks only while the reader is a whole buffer behind: that back-pressure is the point.
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public void FlushChunk()
        {
            if (_current is not null && _length > 0)
            {
                pipe._chunks.Add((_current, _length), pipe._cancellationToken);
                _current = null;
                _length = 0;
            }
        }

        public override void Flush()
        {
        }
    }

    private sealed class ReadEnd(ChunkPipe pipe) : Stream
    {
        private byte[]? _current;
        private int _position;
        private int _length;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_current is null || _position == _length)
            {
                if (_current is not null)
                {
                    ArrayPool<byte>.Shared.Return(_current);
                    _current = null;
                }

                if (!pipe._chunks.TryTake(out var chunk, Timeout.Infinite, pipe._cancellationToken))
                {
                    if (pipe._failure is not null)
                    {
                        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(pipe._failure);
                    }

                    return 0;
                }

                (_current, _length, _position) = (chunk.Buffer, chunk.Length, 0);
            }

            var n = Math.Min(buffer.Length, _length - _position);
            _current.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (_current is not null)
            {
                ArrayPool<byte>.Shared.Return(_current);
                _current = null;
            }

            base.Dispose(disposing);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
