namespace BackupPs.Core.Postgres;

/// <summary>Inspects a pg_dump output of either format, choosing the reader from its first bytes.</summary>
public static class DumpInspector
{
    /// <summary>
    /// Reads <paramref name="stream"/> to its end with <see cref="CustomArchiveReader"/> or
    /// <see cref="PlainDumpReader"/>, whichever <see cref="DumpFormatDetector.Detect"/> picks.
    /// Throws <see cref="Errors.BackupPsException"/> (ErrorIds in <see cref="DumpErrorIds"/>) when the
    /// stream is empty, of neither format, or not a complete dump. The stream is not disposed.
    /// </summary>
    public static DumpInspection Read(Stream stream, CancellationToken cancellationToken = default) => Read(stream, null, cancellationToken);

    /// <summary>As <see cref="Read(Stream, CancellationToken)"/>; a custom archive is also shown to <paramref name="observer"/> as it is read.</summary>
    internal static DumpInspection Read(Stream stream, IArchiveObserver? observer, CancellationToken cancellationToken)
    {
        using var input = new DumpInput(stream, cancellationToken);
        if (!input.Ensure(1))
        {
            throw DumpErrors.Empty();
        }

        input.Ensure(DumpFormatDetector.BytesNeeded);
        return DumpFormatDetector.Detect(input.AvailableSpan) switch
        {
            DumpFormat.Custom => CustomArchiveReader.Read(input, observer),
            DumpFormat.Plain => PlainDumpReader.Read(input),
            _ => throw Unknown(input.AvailableSpan),
        };
    }

    private static Errors.BackupPsException Unknown(ReadOnlySpan<byte> first)
    {
        if ("PGDMP"u8.StartsWith(first))
        {
            return DumpErrors.Create(
                DumpErrorIds.DumpTruncated,
                $"The dump ends after {first.Length} bytes, in the middle of the custom-format magic: the file is truncated.");
        }

        string hint = first.Length >= 2 && first[0] == 0x1F && first[1] == 0x8B ? " (it is gzip-compressed; decompress it first)" : string.Empty;
        return DumpErrors.Create(
            DumpErrorIds.DumpNotPostgresArchive,
            $"The dump is neither a pg_dump custom archive nor a plain SQL dump{hint}.");
    }
}
