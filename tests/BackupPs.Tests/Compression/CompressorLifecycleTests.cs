using BackupPs.Core.Compression;
using Xunit;

namespace BackupPs.Tests.Compression;

public class CompressorLifecycleTests
{
    /// <summary>Accepts <c>limit</c> bytes, then throws like a full disk (or fails every flush); counts writes and dispose calls.</summary>
    private sealed class FailingStream(long limit, bool failFlush = false) : Stream
    {
        private readonly MemoryStream _data = new();

        public int WritesAfterFailure { get; private set; }

        public bool Failed { get; private set; }

        public bool WasDisposed { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => !WasDisposed;

        public override long Length => _data.Length;

        public override long Position
        {
            get => _data.Position;
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
            if (failFlush)
            {
                throw new IOException("No space left on device", 28);
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            ObjectDisposedException.ThrowIf(WasDisposed, this);
            if (Failed)
            {
                WritesAfterFailure++;
            }

            if (_data.Length + buffer.Length > limit)
            {
                Failed = true;
                throw new IOException("No space left on device", 28);
            }

            _data.Write(buffer);
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        protected override void Dispose(bool disposing)
        {
            WasDisposed = true;
            base.Dispose(disposing);
        }
    }

    [Theory]
    [InlineData(CompressionKind.Zstd)]
    [InlineData(CompressionKind.Gzip)]
    public void InnerStreamStaysOpenByDefaultAndClosesWhenHandedOver(CompressionKind kind)
    {
        var kept = new FailingStream(long.MaxValue);
        CompressionStreams.CreateCompressor(kind, kept).Dispose();
        Assert.False(kept.WasDisposed);
        Assert.True(kept.Length > 0); // the frame was finished on dispose

        var handed = new FailingStream(long.MaxValue);
        CompressionStreams.CreateCompressor(kind, handed, leaveOpen: false).Dispose();
        Assert.True(handed.WasDisposed);

        var input = new MemoryStream(CompressionTestData.Compress(kind, [1, 2, 3]));
        CompressionStreams.OpenDecompressor(input).Dispose();
        Assert.True(input.CanRead);
        input.Position = 0;
        CompressionStreams.OpenDecompressor(input, leaveOpen: false).Dispose();
        Assert.False(input.CanRead);
    }

    [Theory]
    [InlineData(CompressionKind.Zstd)]
    [InlineData(CompressionKind.Gzip)]
    public async Task OutputFailureSurfacesOnceAndDisposeDoesNotThrowAgain(CompressionKind kind)
    {
        var output = new FailingStream(100_000);
        byte[] data = CompressionTestData.Random(1_000_000, 3);
        CompressorStream compressor = CompressionStreams.CreateCompressor(kind, output, level: kind == CompressionKind.Gzip ? 0 : 1);

        var e = await Assert.ThrowsAsync<IOException>(async () =>
        {
            for (int i = 0; i < 10; i++)
            {
                await compressor.WriteAsync(data);
            }

            await compressor.FinishAsync();
        });
        Assert.Equal(28, e.HResult);
        int writesBefore = output.WritesAfterFailure;

        await compressor.DisposeAsync(); // must not throw a second exception nor write the frame end
        compressor.Dispose();
        Assert.Equal(writesBefore, output.WritesAfterFailure);
        Assert.False(compressor.IsFinished);
        Assert.Throws<ObjectDisposedException>(() => compressor.Write([1]));
    }

    [Theory]
    [InlineData(CompressionKind.Zstd)]
    [InlineData(CompressionKind.Gzip)]
    public async Task AFailedFinishIsNotRetriedOnDisposal(CompressionKind kind)
    {
        var output = new FailingStream(long.MaxValue, failFlush: true);
        var compressor = CompressionStreams.CreateCompressor(kind, output);
        await compressor.WriteAsync(CompressionTestData.Random(10_000, 5));

        var e = await Assert.ThrowsAsync<IOException>(() => compressor.FinishAsync());
        Assert.Equal(28, e.HResult);
        Assert.True(compressor.IsFaulted);
        await compressor.DisposeAsync(); // the first failure stays the only one
    }

    [Theory]
    [InlineData(CompressionKind.Zstd)]
    [InlineData(CompressionKind.Gzip)]
    public void SynchronousOutputFailureLeavesDisposeQuiet(CompressionKind kind)
    {
        var output = new FailingStream(50_000);
        var compressor = CompressionStreams.CreateCompressor(kind, output, level: kind == CompressionKind.Gzip ? 0 : 1);
        Assert.Throws<IOException>(() =>
        {
            compressor.Write(CompressionTestData.Random(2_000_000, 4));
            compressor.Finish();
        });
        Assert.Throws<InvalidOperationException>(() => compressor.Write([1]));
        compressor.Dispose();
    }

    [Theory]
    [InlineData(CompressionKind.Zstd)]
    [InlineData(CompressionKind.Gzip)]
    public async Task FinishIsIdempotentAndEndsWriting(CompressionKind kind)
    {
        using var output = new MemoryStream();
        CompressorStream compressor = CompressionStreams.CreateCompressor(kind, output);
        await compressor.WriteAsync(CompressionTestData.SqlCopyText(10_000, 1));
        await compressor.FinishAsync();
        long length = output.Length;
        await compressor.FinishAsync();
        compressor.Finish();
        compressor.Flush();
        await compressor.DisposeAsync();

        Assert.True(compressor.IsFinished);
        Assert.Equal(length, output.Length);
        Assert.Equal(length, compressor.BytesOut);
        Assert.False(compressor.CanWrite);
        Assert.Equal(CompressionTestData.SqlCopyText(10_000, 1), CompressionTestData.Decompress(output.ToArray()));
    }

    [Theory]
    [InlineData(CompressionKind.Zstd)]
    [InlineData(CompressionKind.Gzip)]
    public void FlushMakesEverythingWrittenSoFarDecodable(CompressionKind kind)
    {
        byte[] data = CompressionTestData.SqlCopyText(200_000, 9);
        using var output = new MemoryStream();
        using CompressorStream compressor = CompressionStreams.CreateCompressor(kind, output);
        compressor.Write(data);
        compressor.Flush();

        // Not a complete file yet, but every byte written so far can be decoded from what was flushed.
        using var partial = new MemoryStream(output.ToArray());
        using DecompressorStream decompressor = CompressionStreams.OpenDecompressor(partial);
        byte[] decoded = new byte[data.Length];
        decompressor.ReadExactly(decoded);
        Assert.Equal(data, decoded);
    }

    [Theory]
    [InlineData(CompressionKind.Zstd)]
    [InlineData(CompressionKind.Gzip)]
    public async Task AbandonedCompressorWritesNothingMore(CompressionKind kind)
    {
        var output = new FailingStream(long.MaxValue);
        CompressorStream compressor = CompressionStreams.CreateCompressor(kind, output);
        await compressor.WriteAsync(CompressionTestData.SqlCopyText(3_000_000, 2));
        long before = output.Length;

        compressor.Abandon();

        Assert.True(compressor.IsFaulted);
        await Assert.ThrowsAsync<InvalidOperationException>(() => compressor.FinishAsync());
        await compressor.DisposeAsync();
        Assert.Equal(before, output.Length);
        Assert.False(output.WasDisposed);
    }

    [Fact]
    public void StreamsAreOneDirectional()
    {
        using CompressorStream compressor = CompressionStreams.CreateCompressor(CompressionKind.Zstd, new MemoryStream());
        Assert.False(compressor.CanRead);
        Assert.False(compressor.CanSeek);
        Assert.Throws<NotSupportedException>(() => compressor.ReadByte());
        Assert.Throws<NotSupportedException>(() => compressor.Length);

        using DecompressorStream decompressor = CompressionStreams.OpenDecompressor(new MemoryStream(CompressionTestData.Compress(CompressionKind.Gzip, [1])));
        Assert.False(decompressor.CanWrite);
        Assert.Throws<NotSupportedException>(() => decompressor.WriteByte(1));
    }
}
