using BackupPs.Tests.Infrastructure;
using BackupPs.Core.Compression;
using BackupPs.Core.Errors;
using Xunit;

namespace BackupPs.Tests.Compression;

/// <summary>What we write, the zstd and gzip command-line tools read and verify, and the other way round.</summary>
public class CliCompatibilityTests
{
    private static string Tool(CompressionKind kind) => kind == CompressionKind.Zstd ? "zstd" : "gzip";

    public static TheoryData<CompressionKind, int> Sizes()
    {
        var data = new TheoryData<CompressionKind, int>();
        foreach (CompressionKind kind in Enum.GetValues<CompressionKind>())
        {
            foreach (int size in new[] { 0, 1, 65_536, 3_000_000 })
            {
                data.Add(kind, size);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void CliTestsAndDecompressesWhatWeWrite(CompressionKind kind, int size)
    {
        string tool = Tool(kind);
        ProcessRunner.Require(tool);
        using var scratch = new TempTestDirectory();
        byte[] data = CompressionTestData.SqlCopyText(size, size);
        string file = scratch.File("backup.sql" + kind.FileExtension());
        File.WriteAllBytes(file, CompressionTestData.Compress(kind, data));

        ProcessResult test = ProcessRunner.Run(tool, ["-t", file]);
        Assert.True(test.ExitCode == 0, $"{tool} -t failed: {test.Stderr}");

        ProcessResult decompressed = ProcessRunner.Run(tool, ["-dc", file]);
        Assert.Equal(0, decompressed.ExitCode);
        Assert.Equal(data, decompressed.StdoutBytes);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void WeDecompressWhatTheCliWrites(CompressionKind kind, int size)
    {
        string tool = Tool(kind);
        ProcessRunner.Require(tool);
        byte[] data = CompressionTestData.SqlCopyText(size, size + 1);
        string[] arguments = kind == CompressionKind.Zstd ? ["-3", "-T0", "-c", "-q"] : ["-6", "-c"];

        ProcessResult compressed = ProcessRunner.Run(tool, arguments, stdin: data);
        Assert.Equal(0, compressed.ExitCode);

        Assert.Equal(data, CompressionTestData.Decompress(compressed.StdoutBytes));
    }

    [Fact]
    public void WeDecompressGzipWithAFileNameHeader()
    {
        ProcessRunner.Require("gzip");
        using var scratch = new TempTestDirectory();
        byte[] data = CompressionTestData.SqlCopyText(100_000, 3);
        string plain = scratch.File("named.sql");
        File.WriteAllBytes(plain, data);
        Assert.Equal(0, ProcessRunner.Run("gzip", ["-9", "-N", plain]).ExitCode); // FNAME + mtime in the header

        Assert.Equal(data, CompressionTestData.Decompress(File.ReadAllBytes(plain + ".gz")));
    }

    public static TheoryData<CompressionKind, string> Damages()
    {
        var data = new TheoryData<CompressionKind, string>();
        foreach (CompressionKind kind in Enum.GetValues<CompressionKind>())
        {
            foreach (string damage in new[] { "cut:1", "cut:3", "cut:10", "cut:half", "cut:-1", "cut:-4", "cut:-8", "flip:half", "flip:-1", "flip:-5", "append:junk" })
            {
                data.Add(kind, damage);
            }
        }

        return data;
    }

    /// <summary>Whatever `zstd -t` / `gzip -t` rejects, we reject too.</summary>
    [Theory]
    [MemberData(nameof(Damages))]
    public void WeRejectWhatTheCliRejects(CompressionKind kind, string damage)
    {
        string tool = Tool(kind);
        ProcessRunner.Require(tool);
        using var scratch = new TempTestDirectory();
        byte[] bytes = CompressionTestData.Compress(kind, CompressionTestData.SqlCopyText(500_000, 8));
        string[] parts = damage.Split(':');
        int At(string where) => where == "half" ? bytes.Length / 2 : int.Parse(where) is var n and < 0 ? bytes.Length + n : int.Parse(where);
        bytes = parts[0] switch
        {
            "cut" => bytes[..At(parts[1])],
            "flip" => Flip(bytes, At(parts[1])),
            _ => [.. bytes, .. "junk"u8.ToArray()],
        };
        string file = scratch.File("damaged" + kind.FileExtension());
        File.WriteAllBytes(file, bytes);

        ProcessResult cli = ProcessRunner.Run(tool, ["-t", file]);
        Assert.NotEqual(0, cli.ExitCode); // all these damages are caught by the CLI (gzip exits 2 for trailing junk)
        var e = Assert.Throws<BackupPsException>(() => CompressionTestData.Decompress(bytes));
        Assert.Equal(FailureCategory.InvalidData, e.Category);
    }

    private static byte[] Flip(byte[] bytes, int index)
    {
        bytes[index] ^= 0x01;
        return bytes;
    }
}
