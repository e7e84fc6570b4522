using BackupPs.Core.Errors;

namespace BackupPs.Core.Compression;

/// <summary>
/// Entry points: a compressor for a chosen <see cref="CompressionKind"/>, and a decompressor that detects the
/// kind from the first bytes. Neither takes ownership of the inner stream unless leaveOpen is false
/// (default true: the caller disposes what it opened, and the backup pipeline can still commit the file).
/// </summary>
public static class CompressionStreams
{
    private static ReadOnlySpan<byte> ZstdMagic => [0x28, 0xB5, 0x2F, 0xFD];

    private static ReadOnlySpan<byte> GzipMagic => [0x1F, 0x8B];

    /// <summary>True when libzstd can be loaded (for choosing a default or a friendly early error). Never throws.</summary>
    public static bool IsZstdAvailable => ZstdNative.IsAvailable;

    /// <summary>The level used for <paramref name="kind"/> when none is given: zstd 3, gzip 1 (Fastest).</summary>
    public static int DefaultLevel(CompressionKind kind) => kind switch
    {
        CompressionKind.Zstd => ZstdCompressStream.DefaultLevel,
        CompressionKind.Gzip => GzipCompressStream.DefaultLevel,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown compression kind."),
    };

    /// <summary>The accepted level range: zstd 1..19, gzip 0..9.</summary>
    public static (int Min, int Max) LevelRange(CompressionKind kind) => kind switch
    {
        CompressionKind.Zstd => (ZstdCompressStream.MinLevel, ZstdCompressStream.MaxLevel),
        CompressionKind.Gzip => (GzipCompressStream.MinLevel, GzipCompressStream.MaxLevel),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown compression kind."),
    };

    /// <summary>Throws BackupPsException InvalidCompressionLevel when <paramref name="level"/> is out of range (null is fine).</summary>
    public static void ValidateLevel(CompressionKind kind, int? level)
    {
        if (level is not int value)
        {
            return;
        }

        (int min, int max) = LevelRange(kind);
        if (value < min || value > max)
        {
            throw CompressionErrors.InvalidLevel(kind, value, min, max);
        }
    }

    /// <summary>
    /// A compressor writing <paramref name="kind"/> into <paramref name="output"/>. zstd uses
    /// Environment.ProcessorCount libzstd workers and the content checksum; gzip uses GZipStream.
    /// Call FinishAsync before committing the output; see <see cref="CompressorStream"/>.
    /// </summary>
    /// <param name="level">null for <see cref="DefaultLevel"/>; otherwise within <see cref="LevelRange"/>.</param>
    /// <param name="leaveOpen">true (default): disposing the compressor leaves <paramref name="output"/> open.</param>
    public static CompressorStream CreateCompressor(CompressionKind kind, Stream output, int? level = null, bool leaveOpen = true)
    {
        ArgumentNullException.ThrowIfNull(output);
        ValidateLevel(kind, level);
        return kind switch
        {
            CompressionKind.Zstd => new ZstdCompressStream(output, level, workers: null, leaveOpen),
            CompressionKind.Gzip => new GzipCompressStream(output, level, leaveOpen),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown compression kind."),
        };
    }

    /// <summary>
    /// Reads the first bytes of <paramref name="input"/> (which need not be seekable), picks zstd or gzip from
    /// the magic number and returns a verifying decompressor over the whole input. Throws BackupPsException:
    /// UnknownCompressionFormat, or CompressedStreamTruncated when the input is empty or too short.
    /// </summary>
    /// <param name="sourceName">Named in error messages, e.g. the file path.</param>
    /// <param name="leaveOpen">true (default): disposing the decompressor leaves <paramref name="input"/> open.</param>
    public static DecompressorStream OpenDecompressor(Stream input, string? sourceName = null, bool leaveOpen = true)
    {
        ArgumentNullException.ThrowIfNull(input);
        Span<byte> head = stackalloc byte[4];
        int n = input.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return Create(head[..n], input, sourceName, leaveOpen);
    }

    /// <summary>The kind whose magic number <paramref name="head"/> starts with, or null.</summary>
    public static CompressionKind? DetectKind(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(ZstdMagic))
        {
            return CompressionKind.Zstd;
        }

        if (head.StartsWith(GzipMagic))
        {
            return CompressionKind.Gzip;
        }

        return null;
    }

    private static DecompressorStream Create(ReadOnlySpan<byte> head, Stream input, string? sourceName, bool leaveOpen)
    {
        CompressionKind? kind = DetectKind(head);
        if (kind is null)
        {
            if (head.Length < ZstdMagic.Length && (ZstdMagic.StartsWith(head) || GzipMagic.StartsWith(head)))
            {
                throw CompressionErrors.Truncated(sourceName, "compressed", head.Length,
                    head.IsEmpty ? "it is empty" : "too short for a zstd or gzip header");
            }

            throw new BackupPsException(CompressionErrorIds.UnknownFormat, FailureCategory.InvalidData,
                $"{CompressionErrors.Describe(sourceName)} is neither zstd nor gzip (it starts with {Convert.ToHexString(head)}{Hint(head)}); pass a .zst or .gz file written by BackupPs.")
            { Target = sourceName };
        }

        var prefixed = new PrefixedReadStream(head, input, leaveOpen);
        return kind == CompressionKind.Zstd
            ? new ZstdDecompressStream(prefixed, leaveOpen: false, sourceName)
            : new GzipDecompressStream(prefixed, leaveOpen: false, sourceName);
    }

    private static string Hint(ReadOnlySpan<byte> head) =>
        head.StartsWith("--"u8) || head.StartsWith("SET "u8) ? ", which looks like an uncompressed SQL dump" :
        head.StartsWith("PGDM"u8) ? ", which looks like an uncompressed pg_dump archive" : string.Empty;
}
