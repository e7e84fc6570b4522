using System.Security.Cryptography;
using BackupPs.Core.Database;

namespace BackupPs.Tests.Database;

public sealed class ChunkPipeTests
{
    [Fact]
    public async Task CarriesEveryByteInOrderAcrossThreads()
    {
        var data = RandomNumberGenerator.GetBytes(5_000_003);
        using var pipe = new ChunkPipe(maxChunks: 2, CancellationToken.None);
        var writer = Task.Run(() =>
        {
            // Odd write sizes straddle the 1 MiB chunk boundary.
            for (var offset = 0; offset < data.Length; offset += 7919)
            {
                pipe.Writer.Write(data, offset, Math.Min(7919, data.Length - offset));
            }

            pipe.Complete();
        });

        using var received = new MemoryStream();
        await pipe.Reader.CopyToAsync(received);
        await writer;
        Assert.Equal(data, received.ToArray());
    }

    [Fact]
    public void AWriterFailureReachesTheReader()
    {
        using var pipe = new ChunkPipe(maxChunks: 2, CancellationToken.None);
        pipe.Writer.Write([1, 2, 3]);
        pipe.Complete(new IOException("socket went away"));
        var error = Assert.Throws<IOException>(() => pipe.Reader.Read(new byte[10]));
        Assert.Equal("socket went away", error.Message);
    }

    [Fact]
    public void CancellationUnblocksABlockedReader()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        using var pipe = new ChunkPipe(maxChunks: 2, cts.Token);
        Assert.ThrowsAny<OperationCanceledException>(() => pipe.Reader.Read(new byte[10]));
    }

    [Fact]
    public async Task AFullPipeHoldsTheWriterBackInsteadOfBuffering()
    {
        using var pipe = new ChunkPipe(maxChunks: 2, CancellationToken.None);
        var chunk = new byte[1 << 20];
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < 4; i++)
            {
                pipe.Writer.Write(chunk);
            }
        });

        await Task.Delay(200);
        Assert.False(writer.IsCompleted);
        var buffer = new byte[1 << 20];
        while (!writer.IsCompleted)
        {
            _ = pipe.Reader.Read(buffer);
        }

        await writer;
    }
}
