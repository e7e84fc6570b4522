using BackupPs.Tests.Infrastructure;
using System.Security.Cryptography;
using System.Text;
using BackupPs.Core.Compression;
using BackupPs.Core.Storage;
using BackupPs.Tests.Compression;
using Xunit;

namespace BackupPs.Tests.Storage;

public class HashingStreamTests
{
    private static string Expected(byte[] data) => Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1_000_003)]
    public async Task HashesWhatIsWrittenThrough(int size)
    {
        byte[] data = CompressionTestData.Random(size, size);
        using var inner = new MemoryStream();
        await using var hashing = new HashingStream(inner);
        int half = size / 2;
        hashing.Write(data, 0, half);
        await hashing.WriteAsync(data.AsMemory(half));

        ContentHash hash = hashing.Complete();

        Assert.Equal(data, inner.ToArray());
        Assert.Equal(Expected(data), hash.Sha256);
        Assert.Equal(size, hash.Length);
        Assert.Equal(hash, hashing.Complete());
        Assert.Matches("^[0-9a-f]{64}$", hash.Sha256);
        Assert.Throws<InvalidOperationException>(() => hashing.Write([1]));
    }

    [Fact]
    public async Task HashesWhatIsReadThrough()
    {
        byte[] data = CompressionTestData.SqlCopyText(777_777, 1);
        using var hashing = new HashingStream(new MemoryStream(data));
        using var copy = new MemoryStream();
        await hashing.CopyToAsync(copy, 4096);

        Assert.Equal(data, copy.ToArray());
        Assert.Equal(new ContentHash(Expected(data), data.Length), hashing.Complete());
    }

    [Fact]
    public void RefusesToMixDirections()
    {
        using var hashing = new HashingStream(new MemoryStream());
        hashing.Write([1, 2, 3]);
        Assert.False(hashing.CanRead);
        Assert.Throws<InvalidOperationException>(() => hashing.ReadByte());
    }

    [Fact]
    public void LeavesTheInnerStreamOpenUnlessHandedOver()
    {
        var inner = new MemoryStream();
        new HashingStream(inner).Dispose();
        Assert.True(inner.CanWrite);
        new HashingStream(inner, leaveOpen: false).Dispose();
        Assert.False(inner.CanWrite);
    }

    [Fact]
    public void ReadingThroughItMatchesSha256sum()
    {
        ProcessRunner.Require("sha256sum");
        using var scratch = new TempTestDirectory();
        string file = scratch.File("backup.zst");
        byte[] data = CompressionTestData.Compress(CompressionKind.Zstd, CompressionTestData.SqlCopyText(3_000_000, 2));
        File.WriteAllBytes(file, data);
        string sha256sum = ProcessRunner.Run("sha256sum", [file]).Stdout[..64];

        using var reader = File.OpenRead(file);
        using var hashing = new HashingStream(reader);
        hashing.CopyTo(Stream.Null);
        Assert.Equal(new ContentHash(sha256sum, data.Length), hashing.Complete());
    }

    [Fact]
    public async Task BackupPipelineHashEqualsTheCommittedFilesHash()
    {
        using var scratch = new TempTestDirectory();
        string final = scratch.File("db.sql.zst");
        byte[] dump = CompressionTestData.SqlCopyText(2_000_000, 3);
        ContentHash streamed;
        await using (AtomicFile file = AtomicFile.Create(final))
        {
            await using var hashing = new HashingStream(file.Stream);
            await using (CompressorStream compressor = CompressionStreams.CreateCompressor(CompressionKind.Zstd, hashing))
            {
                await compressor.WriteAsync(dump);
                await compressor.FinishAsync();
            }

            streamed = hashing.Complete();
            await file.CommitAsync();
        }

        Assert.Equal(new ContentHash(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(final))).ToLowerInvariant(), new FileInfo(final).Length), streamed);
        Assert.Equal(dump, CompressionTestData.Decompress(File.ReadAllBytes(final)));
    }
}
