using BackupPs.Core.Compression;
using BackupPs.Core.Errors;
using Xunit;

namespace BackupPs.Tests.Compression;

public class CompressionIntegrityTests
{
    private static readonly byte[] Text = CompressionTestData.SqlCopyText(400_000, 11);

    private static BackupPsException DecompressFails(byte[] compressed)
    {
        var e = Assert.Throws<BackupPsException>(() => CompressionTestData.Decompress(compressed));
        Assert.Equal(FailureCategory.InvalidData, e.Category);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    private static async Task<BackupPsException> DecompressFailsAsync(byte[] compressed)
    {
        using var input = new MemoryStream(compressed);
        var e = await Assert.ThrowsAsync<BackupPsException>(async () =>
        {
            await using DecompressorStream decompressor = CompressionStreams.OpenDecompressor(input, "/backups/x");
            await decompressor.CopyToAsync(Stream.Null);
        });
        Assert.Equal(FailureCategory.InvalidData, e.Category);
        Assert.Equal("/backups/x", e.Target);
        Assert.Contains("'/backups/x'", e.Message);
        return e;
    }

    public static TheoryData<CompressionKind, int> CutPoints()
    {
        var data = new TheoryData<CompressionKind, int>();
        foreach (CompressionKind kind in Enum.GetValues<CompressionKind>())
        {
            // Negative values count from the end: -1 drops the last byte, -4 the zstd checksum, -8 the gzip trailer.
            foreach (int cut in new[] { 0, 1, 2, 3, 4, 5, 9, 10, 11, 20, 1000, 50_000, -1, -2, -4, -5, -8, -9, -100 })
            {
                data.Add(kind, cut);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CutPoints))]
    public async Task TruncatedInputIsRejected(CompressionKind kind, int cut)
    {
        byte[] full = CompressionTestData.Compress(kind, Text);
        int length = cut >= 0 ? cut : full.Length + cut;
        byte[] truncated = full[..length];

        BackupPsException e = DecompressFails(truncated);
        Assert.Equal(CompressionErrorIds.Truncated, e.ErrorId);
        Assert.Equal(CompressionErrorIds.Truncated, (await DecompressFailsAsync(truncated)).ErrorId);
    }

    [Theory]
    [InlineData(CompressionKind.Zstd, 0)]
    [InlineData(CompressionKind.Gzip, 0)]
    [InlineData(CompressionKind.Zstd, 1)]
    [InlineData(CompressionKind.Gzip, 1)]
    [InlineData(CompressionKind.Zstd, 20_000)]
    [InlineData(CompressionKind.Gzip, 20_000)]
    public void EveryCutPointOfASmallFileIsRejected(CompressionKind kind, int size)
    {
        byte[] full = CompressionTestData.Compress(kind, CompressionTestData.SqlCopyText(size, 4));
        for (int length = 0; length < full.Length; length++)
        {
            var e = Assert.Throws<BackupPsException>(() => CompressionTestData.Decompress(full[..length]));
            Assert.True(e.ErrorId == CompressionErrorIds.Truncated, $"cut at {length} of {full.Length}: {e.ErrorId}");
        }
    }

    [Theory]
    [InlineData(CompressionKind.Zstd, 65_536)]
    [InlineData(CompressionKind.Gzip, 65_536)]
    [InlineData(CompressionKind.Zstd, 262_144)]
    [InlineData(CompressionKind.Gzip, 262_144)]
    public void OutputEndingExactlyOnAReadBufferBoundaryIsComplete(CompressionKind kind, int size)
    {
        // Regression: a read that fills the caller's buffer with the frame's last bytes must not turn the
        // following end-of-input into "truncated".
        byte[] data = CompressionTestData.SqlCopyText(size, 6);
        byte[] compressed = CompressionTestData.Compress(kind, data);
        foreach (int bufferSize in new[] { 1, 4096, 65_536, 131_072, size })
        {
            using DecompressorStream decompressor = CompressionStreams.OpenDecompressor(new MemoryStream(compressed));
            using var output = new MemoryStream();
            decompressor.CopyTo(output, bufferSize);
            Assert.Equal(data, output.ToArray());
        }
    }

    [Theory]
    [InlineData(CompressionKind.Zstd, 0)]
    [InlineData(CompressionKind.Gzip, 0)]
    [InlineData(CompressionKind.Zstd, 1)]
    [InlineData(CompressionKind.Gzip, 1)]
    public void TruncatedEmptyPayloadIsRejected(CompressionKind kind, int dropped)
    {
        byte[] full = CompressionTestData.Compress(kind, []);
        Assert.Empty(CompressionTestData.Decompress(full));
        if (dropped > 0)
        {
            Assert.Equal(CompressionErrorIds.Truncated, DecompressFails(full[..^dropped]).ErrorId);
        }
    }

    public static TheoryData<CompressionKind, int> FlipPositions()
    {
        var data = new TheoryData<CompressionKind, int>();
        foreach (CompressionKind kind in Enum.GetValues<CompressionKind>())
        {
            // Per-mille positions in the file: the middle and a spread around it, plus the very last byte.
            foreach (int position in new[] { 100, 333, 500, 501, 502, 750, 900, 999, 1000 })
            {
                data.Add(kind, position);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FlipPositions))]
    public async Task FlippedByteIsRejected(CompressionKind kind, int perMille)
    {
        byte[] corrupt = CompressionTestData.Compress(kind, Text);
        int index = Math.Min(corrupt.Length - 1, (int)((long)corrupt.Length * perMille / 1000));
        corrupt[index] ^= 0x10;

        BackupPsException e = DecompressFails(corrupt);
        Assert.Contains(e.ErrorId, new[] { CompressionErrorIds.Corrupt, CompressionErrorIds.Truncated });
        await DecompressFailsAsync(corrupt);
    }

    [Theory]
    [InlineData(CompressionKind.Zstd, "garbage at the end")]
    [InlineData(CompressionKind.Gzip, "garbage at the end")]
    [InlineData(CompressionKind.Zstd, "\0\0\0\0\0\0\0\0\0\0\0\0")]
    [InlineData(CompressionKind.Zstd, "x")]
    [InlineData(CompressionKind.Gzip, "x")]
    public void TrailingBytesAreRejected(CompressionKind kind, string trailer)
    {
        byte[] withTrailer = [.. CompressionTestData.Compress(kind, Text), .. System.Text.Encoding.ASCII.GetBytes(trailer)];
        DecompressFails(withTrailer);
    }

    [Theory]
    [InlineData("-- PostgreSQL database dump\n", "uncompressed SQL dump")]
    [InlineData("PGDMP\u0001\u000e", "uncompressed pg_dump archive")]
    [InlineData("hello world", "")]
    [InlineData("\u0028\u00b5\u002f\u00fc", "")]
    public void UnknownFormatIsRejectedWithAHint(string content, string hint)
    {
        byte[] bytes = System.Text.Encoding.Latin1.GetBytes(content);
        var e = DecompressFails(bytes);
        Assert.Equal(CompressionErrorIds.UnknownFormat, e.ErrorId);
        Assert.Contains(hint, e.Message);
    }

    [Fact]
    public void EmptyInputIsTruncated()
    {
        Assert.Equal(CompressionErrorIds.Truncated, DecompressFails([]).ErrorId);
    }

    [Fact]
    public void ZstdChecksumIsWrittenAndVerified()
    {
        byte[] zst = CompressionTestData.Compress(CompressionKind.Zstd, Text);
        byte frameHeaderDescriptor = zst[4];
        Assert.True((frameHeaderDescriptor & 0x04) != 0, "Content_Checksum_flag must be set");

        zst[^1] ^= 0xFF; // the checksum itself
        var e = DecompressFails(zst);
        Assert.Equal(CompressionErrorIds.Corrupt, e.ErrorId);
        Assert.Contains("checksum", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void AFailedStreamStaysFailed()
    {
        byte[] truncated = CompressionTestData.Compress(CompressionKind.Zstd, Text)[..^10];
        using DecompressorStream decompressor = CompressionStreams.OpenDecompressor(new MemoryStream(truncated));
        Assert.Throws<BackupPsException>(() => decompressor.CopyTo(Stream.Null));
        Assert.Throws<InvalidOperationException>(() => decompressor.ReadByte());
    }
}
