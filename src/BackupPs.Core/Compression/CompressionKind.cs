namespace BackupPs.Core.Compression;

/// <summary>The compression formats a backup file can be written in.</summary>
/// <remarks>Based on long on purpose: PowerShell's ConvertTo-Json writes long-based enums by name, as the CLI's --json does.</remarks>
public enum CompressionKind : long
{
    /// <summary>Zstandard (.zst) through the system libzstd; the default: fast, multi-threaded, checksummed.</summary>
    Zstd,

    /// <summary>gzip (.gz) through System.IO.Compression; for hosts without libzstd or tools that only read gzip.</summary>
    Gzip,
}

/// <summary>Helpers over <see cref="CompressionKind"/>.</summary>
public static class CompressionKindExtensions
{
    /// <summary>The file extension, with its dot, that a file of this kind ends with: ".zst" or ".gz".</summary>
    public static string FileExtension(this CompressionKind kind) => kind switch
    {
        CompressionKind.Zstd => ".zst",
        CompressionKind.Gzip => ".gz",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown compression kind."),
    };
}
