using System.Collections.ObjectModel;

namespace BackupPs.Core.Postgres;

/// <summary>The row count of one table, read from the COPY data in a dump.</summary>
public sealed class TableRowCount
{
    /// <summary>
    /// Creates a row count. Lenient on purpose, so that a hand-edited manifest deserialises: a null
    /// name becomes empty.
    /// </summary>
    public TableRowCount(string schema, string table, long? rows)
    {
        Schema = schema ?? string.Empty;
        Table = table ?? string.Empty;
        Rows = rows;
    }

    /// <summary>The table's schema (unquoted), e.g. <c>inventory</c>.</summary>
    public string Schema { get; }

    /// <summary>The table's name (unquoted), e.g. <c>Order Items</c>.</summary>
    public string Table { get; }

    /// <summary>
    /// Rows in the table's data. Null when the data is not COPY text (a dump made with
    /// <c>--inserts</c>), where rows cannot be counted without parsing SQL.
    /// </summary>
    public long? Rows { get; }

    public override string ToString() => $"{Schema}.{Table}: {(Rows is { } r ? r.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?")}";
}

/// <summary>
/// What reading a whole pg_dump output proved about it. Only produced when the dump was read to
/// its end and found complete and well formed; every other outcome is an exception.
/// </summary>
public sealed class DumpInspection
{
    internal DumpInspection(
        DumpFormat format,
        string? archiveVersion,
        string? serverVersion,
        string? pgDumpVersion,
        string? databaseName,
        int tocEntries,
        int tableDataEntries,
        IList<TableRowCount> tables,
        long largeObjects,
        DumpCompression compression,
        int? compressionLevel,
        long totalBytes)
    {
        Format = format;
        ArchiveVersion = archiveVersion;
        ServerVersion = serverVersion;
        PgDumpVersion = pgDumpVersion;
        DatabaseName = databaseName;
        TocEntries = tocEntries;
        TableDataEntries = tableDataEntries;
        Tables = new ReadOnlyCollection<TableRowCount>(PerTable(tables));
        LargeObjects = largeObjects;
        Compression = compression;
        CompressionLevel = compressionLevel;
        TotalBytes = totalBytes;
    }

    /// <summary>Custom archive or plain SQL.</summary>
    public DumpFormat Format { get; }

    /// <summary>Archive format version as pg_restore prints it (e.g. <c>1.14-0</c>); null for plain dumps.</summary>
    public string? ArchiveVersion { get; }

    /// <summary>Version of the server that was dumped, as pg_dump recorded it (e.g. <c>15.18 (Debian 15.18-0+deb12u1)</c>).</summary>
    public string? ServerVersion { get; }

    /// <summary>Version of the pg_dump that wrote the dump.</summary>
    public string? PgDumpVersion { get; }

    /// <summary>Name of the dumped database (custom archives only; plain dumps do not record it).</summary>
    public string? DatabaseName { get; }

    /// <summary>Number of TOC entries (custom archives); 0 for plain dumps.</summary>
    public int TocEntries { get; }

    /// <summary>Number of TABLE DATA entries (custom) or COPY blocks (plain).</summary>
    public int TableDataEntries { get; }

    /// <summary>
    /// Row count per table the COPY data loads, in dump order. Several data blocks load one table when
    /// pg_dump loads partitions via their root: that table then gets their sum.
    /// </summary>
    public IReadOnlyList<TableRowCount> Tables { get; }

    /// <summary>Number of large objects whose contents the dump carries.</summary>
    public long LargeObjects { get; }

    /// <summary>Compression of the data blocks as recorded in the archive (always None for plain dumps).</summary>
    public DumpCompression Compression { get; }

    /// <summary>
    /// The compression level recorded in archives older than 1.15 (PostgreSQL 15 and earlier), where
    /// -1 means zlib's default; null for newer archives (which record only the algorithm) and plain dumps.
    /// </summary>
    public int? CompressionLevel { get; }

    /// <summary>Bytes read from the stream, i.e. the size of the dump.</summary>
    public long TotalBytes { get; }

    /// <summary>One count per (schema, table), at the place of its first block; the sum is unknown when any part is.</summary>
    private static TableRowCount[] PerTable(IList<TableRowCount> blocks) =>
        blocks.GroupBy(t => (t.Schema, t.Table))
            .Select(g => g.Count() == 1 ? g.First() : new TableRowCount(g.Key.Schema, g.Key.Table, g.Any(t => t.Rows is null) ? null : g.Sum(t => t.Rows)))
            .ToArray();

    /// <summary>Sum of the row counts that are known.</summary>
    public long TotalRows
    {
        get
        {
            long sum = 0;
            foreach (var t in Tables)
            {
                sum += t.Rows ?? 0;
            }

            return sum;
        }
    }
}
