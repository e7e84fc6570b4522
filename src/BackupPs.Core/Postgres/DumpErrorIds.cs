using System.Globalization;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Postgres;

/// <summary>
/// Stable ErrorIds thrown (as <see cref="BackupPsException"/> with <see cref="FailureCategory.InvalidData"/>)
/// by the dump readers. Scripts match on these strings, so they never change.
/// </summary>
public static class DumpErrorIds
{
    /// <summary>The stream holds no bytes at all.</summary>
    public const string DumpEmpty = "DumpEmpty";

    /// <summary>The stream is not pg_dump output of the expected format.</summary>
    public const string DumpNotPostgresArchive = "DumpNotPostgresArchive";

    /// <summary>The stream ends in the middle of something: the file was cut short.</summary>
    public const string DumpTruncated = "DumpTruncated";

    /// <summary>The bytes do not follow the pg_dump archive layout (corruption or garbage).</summary>
    public const string DumpStructureInvalid = "DumpStructureInvalid";

    /// <summary>The dump is well formed but lacks something a complete dump has (a data block, the trailer).</summary>
    public const string DumpIncomplete = "DumpIncomplete";

    /// <summary>The archive was written by a pg_dump whose archive version this reader does not know.</summary>
    public const string DumpVersionUnsupported = "DumpVersionUnsupported";

    /// <summary>The archive's data blocks use a compression method this reader cannot decode (lz4, zstd).</summary>
    public const string DumpCompressionUnsupported = "DumpCompressionUnsupported";
}

internal static class DumpErrors
{
    internal static BackupPsException Create(string errorId, string message, Exception? inner = null) =>
        new(errorId, FailureCategory.InvalidData, message, inner);

    internal static BackupPsException Empty() =>
        Create(DumpErrorIds.DumpEmpty, "The dump is empty: the stream ended before its first byte.");

    /// <summary>The stream ended inside <paramref name="where"/>, after <paramref name="bytesRead"/> bytes.</summary>
    internal static BackupPsException Truncated(string where, long bytesRead) =>
        Create(
            DumpErrorIds.DumpTruncated,
            $"The dump ends in the middle of {where} (byte {bytesRead.ToString(CultureInfo.InvariantCulture)}): the file is truncated.");
}
