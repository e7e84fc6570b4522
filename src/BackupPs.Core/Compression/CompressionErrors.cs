using BackupPs.Core.Errors;

namespace BackupPs.Core.Compression;

/// <summary>The stable ErrorIds the compression layer throws in a <see cref="BackupPsException"/>.</summary>
public static class CompressionErrorIds
{
    /// <summary>InvalidData: the compressed input ended before its last frame/member was complete (or was empty).</summary>
    public const string Truncated = "CompressedStreamTruncated";

    /// <summary>InvalidData: the compressed input is damaged (bad block, checksum mismatch, trailing garbage).</summary>
    public const string Corrupt = "CompressedStreamCorrupt";

    /// <summary>InvalidData: the input starts with neither the zstd nor the gzip magic bytes.</summary>
    public const string UnknownFormat = "UnknownCompressionFormat";

    /// <summary>InvalidArgument: a compression level outside the kind's range.</summary>
    public const string InvalidLevel = "InvalidCompressionLevel";

    /// <summary>ResourceUnavailable: libzstd.so.1 could not be loaded (or is older than 1.4.0).</summary>
    public const string ZstdLibraryMissing = "ZstdLibraryMissing";

    /// <summary>NotSpecified: libzstd reported an error while compressing (in practice: out of memory).</summary>
    public const string CompressionFailed = "CompressionFailed";
}

internal static class CompressionErrors
{
    public static string Describe(string? sourceName) =>
        string.IsNullOrEmpty(sourceName) ? "The compressed backup stream" : $"The compressed backup '{sourceName}'";

    public static BackupPsException Truncated(string? sourceName, string format, long compressedBytes, string? detail = null, Exception? inner = null) =>
        new(CompressionErrorIds.Truncated, FailureCategory.InvalidData,
            $"{Describe(sourceName)} ends after {compressedBytes} bytes, before its {format} data is complete{Detail(detail)}; the file is truncated (an interrupted backup or copy), so restore from another backup.",
            inner)
        { Target = sourceName };

    public static BackupPsException Corrupt(string? sourceName, string format, long compressedBytes, string detail, Exception? inner = null) =>
        new(CompressionErrorIds.Corrupt, FailureCategory.InvalidData,
            $"{Describe(sourceName)} is not valid {format} data near byte {compressedBytes} ({detail}); the file is damaged, so restore from another backup.",
            inner)
        { Target = sourceName };

    public static BackupPsException InvalidLevel(CompressionKind kind, int level, int min, int max) =>
        new(CompressionErrorIds.InvalidLevel, FailureCategory.InvalidArgument,
            $"Compression level {level} is not valid for {kind}; pass a level from {min} to {max}, or omit it for the default.")
        { Target = level };

    public static BackupPsException CompressionFailed(string detail) =>
        new(CompressionErrorIds.CompressionFailed, FailureCategory.NotSpecified,
            $"zstd compression failed ({detail}); free memory on the host and retry, or use -Compression Gzip.");

    private static string Detail(string? detail) => string.IsNullOrEmpty(detail) ? string.Empty : $" ({detail})";
}
