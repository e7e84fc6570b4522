namespace BackupPs.Core.Postgres;

/// <summary>Tells pg_dump's output formats apart from their first bytes.</summary>
public static class DumpFormatDetector
{
    /// <summary>How many leading bytes <see cref="Detect"/> needs to decide in every case.</summary>
    public const int BytesNeeded = 9;

    private static ReadOnlySpan<byte> CustomMagic => "PGDMP"u8;

    private static ReadOnlySpan<byte> RestrictCommand => "\\restrict"u8;

    /// <summary>
    /// Classifies a dump from its first bytes: <c>PGDMP</c> is a custom archive; a leading SQL comment
    /// (<c>--</c>) or a psql <c>\restrict</c> command (plain dumps since the August 2025 minor releases)
    /// is a plain dump. Anything else, or too few bytes to tell, is <see cref="DumpFormat.Unknown"/>.
    /// </summary>
    public static DumpFormat Detect(ReadOnlySpan<byte> firstBytes)
    {
        if (firstBytes.StartsWith(CustomMagic))
        {
            return DumpFormat.Custom;
        }

        if (firstBytes.StartsWith("--"u8))
        {
            return DumpFormat.Plain;
        }

        if (firstBytes.StartsWith(RestrictCommand) &&
            (firstBytes.Length == RestrictCommand.Length || firstBytes[RestrictCommand.Length] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r'))
        {
            return DumpFormat.Plain;
        }

        return DumpFormat.Unknown;
    }
}
