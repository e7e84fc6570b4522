using System.IO.Compression;
using BackupPs.Core.Compression;
using BackupPs.Core.Errors;
using Xunit;

namespace BackupPs.Tests.Compression;

public class CompressionRoundTripTests
{
    public static TheoryData<CompressionKind, int, bool> Cases()
    {
        var data = new TheoryData<CompressionKind, int, bool>();
        foreach (CompressionKind kind in Enum.GetValues<CompressionKind>())
        {
            foreach (int size in new[] { 0, 1, 1000, 131_072, 1_000_003, 5_000_000 })
            {
                data.Add(kind, size, true);
                data.Add(kind, size, false);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RoundTripsSynchronously(CompressionKind kind, int size, bool text)
    {
        byte[] data = text ? CompressionTestData.SqlCopyText(size, size) : CompressionTestData.Random(size, size);

        byte[] compressed = CompressionTestData.Compress(kind, data);

        Assert.Equal(kind, CompressionStreams.DetectKind(compressed));
        Assert.Equal(data, CompressionTestData.Decompress(compressed));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task RoundTripsAsynchronouslyInOddChunks(CompressionKind kind, int size, bool text)
    {
        byte[] data = text ? CompressionTestData.SqlCopyText(size, size + 7) : CompressionTestData.Random(size, size + 7);
        using var compressed = new MemoryStream();
        await using (CompressorStream compressor = CompressionStreams.CreateCompressor(kind, compressed))
        {
            var random = new Random(size);
            for (int offset = 0; offset < data.Length;)
            {
                int chunk = Math.Min(data.Length - offset, random.Next(1, 300_000));
                await compressor.WriteAsync(data.AsMemory(offset, chunk));
                offset += chunk;
            }

            await compressor.FinishAsync();
            Assert.Equal(data.Length, compressor.BytesIn);
            Assert.Equal(compressed.Length, compressor.BytesOut);
        }

        compressed.Position = 0;
        await using DecompressorStream decompressor = CompressionStreams.OpenDecompressor(compressed);
        using var output = new MemoryStream();
        byte[] buffer = new byte[7919]; // small, odd reads exercise the pending-output path
        int n;
        while ((n = await decompressor.ReadAsync(buffer)) > 0)
        {
            output.Write(buffer, 0, n);
        }

        Assert.Equal(data, output.ToArray());
        Assert.Equal(kind, decompressor.Kind);
        Assert.Equal(compressed.Length, decompressor.BytesIn);
        Assert.Equal(data.Length, decompressor.BytesOut);
        Assert.Equal(0, await decompressor.ReadAsync(buffer)); // stays at the end
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void ZstdRoundTripsWithAnyWorkerCount(int workers)
    {
        byte[] data = CompressionTestData.SqlCopyText(3_000_000, 42);
        using var compressed = new MemoryStream();
        using (var zstd = new ZstdCompressStream(compressed, level: 3, workers: workers))
        {
            Assert.Equal(workers, zstd.Workers); // Debian's libzstd is built multi-threaded
            zstd.Write(data);
        }

        Assert.Equal(data, CompressionTestData.Decompress(compressed.ToArray()));
    }

    [Fact]
    public void ZstdUsesOneWorkerPerProcessorByDefault()
    {
        using var zstd = (ZstdCompressStream)CompressionStreams.CreateCompressor(CompressionKind.Zstd, Stream.Null);
        Assert.Equal(Environment.ProcessorCount, zstd.Workers);
        Assert.Equal(ZstdCompressStream.DefaultLevel, zstd.Level);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(19)]
    public void ZstdAcceptsItsLevelRange(int level)
    {
        byte[] data = CompressionTestData.SqlCopyText(100_000, level);
        Assert.Equal(data, CompressionTestData.Decompress(CompressionTestData.Compress(CompressionKind.Zstd, data, level)));
    }

    [Theory]
    [InlineData(0, CompressionLevel.NoCompression)]
    [InlineData(1, CompressionLevel.Fastest)]
    [InlineData(6, CompressionLevel.Optimal)]
    [InlineData(9, CompressionLevel.SmallestSize)]
    public void GzipMapsNumericLevels(int level, CompressionLevel expected)
    {
        byte[] data = CompressionTestData.SqlCopyText(100_000, level);
        using var output = new MemoryStream();
        using (var gzip = (GzipCompressStream)CompressionStreams.CreateCompressor(CompressionKind.Gzip, output, level))
        {
            Assert.Equal(expected, gzip.CompressionLevel);
            gzip.Write(data);
        }

        Assert.Equal(data, CompressionTestData.Decompress(output.ToArray()));
    }

    [Theory]
    [InlineData(CompressionKind.Zstd, 0)]
    [InlineData(CompressionKind.Zstd, 20)]
    [InlineData(CompressionKind.Zstd, -1)]
    [InlineData(CompressionKind.Gzip, 10)]
    [InlineData(CompressionKind.Gzip, -1)]
    public void RejectsLevelsOutOfRange(CompressionKind kind, int level)
    {
        var e = Assert.Throws<BackupPsException>(() => CompressionStreams.CreateCompressor(kind, Stream.Null, level));
        Assert.Equal(CompressionErrorIds.InvalidLevel, e.ErrorId);
        Assert.Equal(FailureCategory.InvalidArgument, e.Category);
    }

    [Fact]
    public void ZstdAcceptsConcatenatedFramesLikeTheCli()
    {
        byte[] a = CompressionTestData.SqlCopyText(300_000, 1);
        byte[] b = CompressionTestData.Random(50_000, 2);
        byte[] joined = [.. CompressionTestData.Compress(CompressionKind.Zstd, a), .. CompressionTestData.Compress(CompressionKind.Zstd, b)];

        Assert.Equal([.. a, .. b], CompressionTestData.Decompress(joined));
    }

    [Fact]
    public void KindHelpersAreConsistent()
    {
        Assert.Equal(".zst", CompressionKind.Zstd.FileExtension());
        Assert.Equal(".gz", CompressionKind.Gzip.FileExtension());
        Assert.Equal(3, CompressionStreams.DefaultLevel(CompressionKind.Zstd));
        Assert.Equal(1, CompressionStreams.DefaultLevel(CompressionKind.Gzip));
        Assert.Equal((1, 19), CompressionStreams.LevelRange(CompressionKind.Zstd));
        Assert.Equal((0, 9), CompressionStreams.LevelRange(CompressionKind.Gzip));
        Assert.True(CompressionStreams.IsZstdAvailable);
    }
}
