namespace BackupPs.Core.Postgres;

/// <summary>The kind of pg_dump output a byte stream holds.</summary>
public enum DumpFormat
{
    /// <summary>Not recognised as pg_dump output.</summary>
    Unknown = 0,

    /// <summary>pg_dump custom archive (<c>-Fc</c>), starting with the magic <c>PGDMP</c>.</summary>
    Custom = 1,

    /// <summary>pg_dump plain SQL script (<c>-Fp</c>).</summary>
    Plain = 2,
}

/// <summary>How the data blocks of a dump are compressed, as recorded in the archive header.</summary>
public enum DumpCompression
{
    /// <summary>Uncompressed (<c>-Z0</c>, or a plain dump).</summary>
    None = 0,

    /// <summary>zlib-compressed data blocks (pg_dump's default for the custom format).</summary>
    Gzip = 1,

    /// <summary>LZ4-compressed data blocks (PostgreSQL 16 and later).</summary>
    Lz4 = 2,

    /// <summary>Zstandard-compressed data blocks (PostgreSQL 16 and later).</summary>
    Zstd = 3,
}
