using System.Globalization;
using System.Text.Json.Serialization;
using BackupPs.Core.Compression;
using BackupPs.Core.Postgres;

namespace BackupPs.Core.Catalog;

/// <summary>What a backup holds.</summary>
/// <remarks>Based on long on purpose: PowerShell's ConvertTo-Json writes long-based enums by name, as the CLI's --json does.</remarks>
public enum BackupKind : long
{
    Database,
}

/// <summary>How a database backup was dumped: Custom (pg_dump -Fc, restore with pg_restore) or Plain (SQL, psql).</summary>
/// <remarks>Based on long on purpose: PowerShell's ConvertTo-Json writes long-based enums by name, as the CLI's --json does.</remarks>
public enum BackupFormat : long
{
    Custom,
    Plain,
}

/// <summary>
/// The versioned JSON written beside every artifact (&lt;name&gt;.manifest.json). It is the catalog:
/// Get-Backup lists manifests, never bare files, and orders by <see cref="StartedUtc"/>, never by
/// file name or mtime. Bump <see cref="CurrentSchemaVersion"/> on any incompatible change.
/// </summary>
public class BackupManifest
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public BackupKind Kind { get; init; }

    public required string Environment { get; init; }

    public required string Database { get; init; }

    /// <summary>The artifact's file name when it was written; a renamed file no longer matches.</summary>
    public required string FileName { get; init; }

    public BackupFormat Format { get; init; }

    public CompressionKind Compression { get; init; }

    public long SizeBytes { get; init; }

    public required string Sha256 { get; init; }

    /// <summary>Bytes of the dump before compression.</summary>
    public long DumpBytes { get; init; }

    public DateTimeOffset StartedUtc { get; init; }

    public DateTimeOffset CompletedUtc { get; init; }

    /// <summary>
    /// How long the backup took, in ISO 8601 ("PT1M23.4S"): what ConvertTo-Json and the CLI's --json write. PowerShell
    /// users get a [TimeSpan] under this name (module/BackupPs.Types.ps1xml); C# reads <see cref="Elapsed"/>.
    /// </summary>
    [JsonIgnore]
    public string Duration => System.Xml.XmlConvert.ToString(Elapsed);

    /// <summary>
    /// How long the backup took. Stored in manifests as "Duration" in the form every BackupPs wrote and reads
    /// ("00:01:23.4000000"); internal, so that PowerShell's ConvertTo-Json, which reflects public properties, sees
    /// <see cref="Duration"/> only.
    /// </summary>
    [JsonInclude, JsonPropertyName(nameof(Duration))]
    internal TimeSpan Elapsed { get; init; }

    /// <summary>The source container's name at dump time; binds to -Container, so
    /// `Get-Backup -Latest | Backup-Database` backs the same targets up again.</summary>
    public required string Container { get; init; }

    public required string ContainerId { get; init; }

    public string? Image { get; init; }

    public string? ImageId { get; init; }

    public string? ComposeProject { get; init; }

    public string? ComposeService { get; init; }

    public string? ServerVersion { get; init; }

    public string? PgDumpVersion { get; init; }

    /// <summary>Custom-format archive version (1.14 = PG12-15, 1.15 = PG16, 1.16 = PG17+); null for plain.</summary>
    public string? ArchiveVersion { get; init; }

    /// <summary>
    /// Encoding, collation and settings of the database (which pg_dump only carries with --create); a
    /// restore creates its database with them. Null in manifests written before they were recorded.
    /// </summary>
    public Database.DatabaseProperties? DatabaseProperties { get; init; }

    /// <summary>Exact row counts of the dumped snapshot, counted from the dump stream itself.</summary>
    public required IReadOnlyList<TableRowCount> Tables { get; init; }

    public long TotalRows { get; init; }

    public string Tool { get; init; } = "BackupPs " + typeof(BackupManifest).Assembly.GetName().Version?.ToString(3);
}

/// <summary>A backup as the pipeline sees it: the manifest plus where it lives now.</summary>
public sealed class BackupRecord : BackupManifest
{
    /// <summary>Full path of the artifact; binds to -Path of Test-Backup (and Restore-Database).</summary>
    public required string Path { get; init; }

    public required string ManifestPath { get; init; }

    /// <summary>"app-prod-20261121T020000Z.dump.zst (prod/app, 2026-11-21 02:00:00Z, 1.2 MB)": what "$record" prints.</summary>
    public override string ToString() =>
        $"{FileName} ({Environment}/{Database}, {StartedUtc.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}, {(SizeBytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture)} MB)";
}
