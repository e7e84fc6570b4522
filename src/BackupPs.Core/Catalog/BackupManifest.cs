using System.Globalization;
using System.Text.Json.Serialization;
using BackupPs.Core.Compression;
using BackupPs.Core.Postgres;

namespace BackupPs.Core.Catalog;

/// <summary>What a backup holds.</summary>
/// <remarks>Based on long on purpose: PowerShell's ConvertTo-Json writes long-based enums by name, as the CLI's --json does.</remarks>
public enum BackupKind : long
{
    /// <summary>A pg_dump of one database (Backup-Database): &lt;store&gt;/&lt;environment&gt;/&lt;database&gt;/.</summary>
    Database,

    /// <summary>.env files, one artifact for the set given (Export-EnvFile): &lt;store&gt;/&lt;environment&gt;/envfile/&lt;name&gt;/.</summary>
    EnvFile,

    /// <summary>A folder tree (Backup-Directory): &lt;store&gt;/&lt;environment&gt;/directory/&lt;name&gt;/.</summary>
    Directory,

    /// <summary>A Docker named volume (Backup-Volume): &lt;store&gt;/&lt;environment&gt;/volume/&lt;name&gt;/.</summary>
    Volume,
}

/// <summary>Helpers over <see cref="BackupKind"/>.</summary>
public static class BackupKindExtensions
{
    /// <summary>The cmdlet that restores backups of this kind ("Restore-Volume"), for messages that point at it.</summary>
    public static string RestoreCommand(this BackupKind kind) => kind switch
    {
        BackupKind.Database => "Restore-Database",
        BackupKind.EnvFile => "Import-EnvFile",
        BackupKind.Directory => "Restore-Directory",
        BackupKind.Volume => "Restore-Volume",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown backup kind."),
    };
}

/// <summary>How consistent the copy of a live source is.</summary>
/// <remarks>Based on long on purpose: PowerShell's ConvertTo-Json writes long-based enums by name, as the CLI's --json does.</remarks>
public enum BackupConsistency : long
{
    /// <summary>Nothing wrote to the source while it was read, as far as BackupPs can know (no container had a volume
    /// mounted read-write; a folder's files did not change while read).</summary>
    Consistent,

    /// <summary>The containers that mounted the volume read-write were stopped for the copy (-StopContainer) and started again.</summary>
    Stopped,

    /// <summary>Copied while in use (-AllowLive), or files changed while read: what a power cut would leave (crash-consistent).</summary>
    CrashConsistent,
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
/// One class for every <see cref="Kind"/>: the fields of a database backup (Database, Container, Tables, ...)
/// are set for <see cref="BackupKind.Database"/> only, those of a file set (<see cref="Name"/>, <see cref="Files"/>,
/// ...) for the other kinds only; <see cref="ManifestValidator"/> enforces which.
/// </summary>
public class BackupManifest
{
    /// <summary>2 since file sets (EnvFile, Directory, Volume) were added; version 1 (database backups only) is still read.</summary>
    public const int CurrentSchemaVersion = 2;

    /// <summary>The oldest schema version this BackupPs reads.</summary>
    public const int OldestSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public BackupKind Kind { get; init; }

    public required string Environment { get; init; }

    /// <summary>The database dumped (<see cref="BackupKind.Database"/> only; null for the other kinds).</summary>
    public string? Database { get; init; }

    /// <summary>
    /// What was backed up, as the catalog names it: the database (Database), the set's -Name (EnvFile, default "env"),
    /// the source folder's name or -Name (Directory), the volume's name (Volume). The store folder is
    /// <see cref="BackupNames.FileSafe"/> of it. Null in manifests of database backups written before it was recorded:
    /// read <see cref="CatalogName"/>.
    /// </summary>
    public string? Name { get; init; }

    /// <summary><see cref="Name"/>, or for a database backup written before Name was recorded, its <see cref="Database"/>.</summary>
    [JsonIgnore]
    public string CatalogName => Name ?? Database ?? "";

    /// <summary>The artifact's file name when it was written; a renamed file no longer matches.</summary>
    public required string FileName { get; init; }

    public BackupFormat Format { get; init; }

    public CompressionKind Compression { get; init; }

    public long SizeBytes { get; init; }

    public required string Sha256 { get; init; }

    /// <summary>Bytes before compression: the dump (Database), the tar stream (the other kinds).</summary>
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
    public string? Container { get; init; }

    /// <summary>The source container's id at dump time (Database only).</summary>
    public string? ContainerId { get; init; }

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
    /// <summary>Exact row counts of the dumped snapshot, counted from the dump stream itself (Database only).</summary>
    public IReadOnlyList<TableRowCount>? Tables { get; init; }

    public long TotalRows { get; init; }

    /// <summary>The host name of the machine the files were read on (file sets only).</summary>
    public string? SourceHost { get; init; }

    /// <summary>
    /// Absolute paths of what was read, as given after resolution (file sets only): the .env files (EnvFile), the
    /// folder (Directory), the volume's mountpoint or its path in the helper container (Volume).
    /// </summary>
    public IReadOnlyList<string>? SourcePaths { get; init; }

    /// <summary>The volume as Docker described it (Volume only): name, driver, labels, options.</summary>
    public VolumeSource? Volume { get; init; }

    /// <summary>How consistent the copy is (file sets only).</summary>
    public BackupConsistency? Consistency { get; init; }

    /// <summary>The -Exclude patterns in effect (Directory, Volume), as given; null or empty for none.</summary>
    public IReadOnlyList<string>? Exclude { get; init; }

    /// <summary>
    /// An incremental backup's base: the <see cref="FileName"/> of the previous backup of the same source, in the same
    /// folder. Entries whose content is in an earlier artifact say which in <see cref="FileEntry.StoredIn"/>. Null for a full backup.
    /// </summary>
    public string? BaseFileName { get; init; }

    /// <summary>
    /// Every entry of the source tree (file sets only), in tar order, with its metadata and SHA-256: also the files an
    /// incremental backup did not copy again (so deletions are known).
    /// </summary>
    public IReadOnlyList<FileEntry>? Files { get; init; }

    /// <summary>
    /// Entries of the source that are not in the backup, each with why (a name that is not valid UTF-8, a FIFO, socket or
    /// device, an entry that vanished while the tree was read); each was also reported as an error when the backup ran.
    /// Null or empty when nothing was left out.
    /// </summary>
    public IReadOnlyList<SkippedEntry>? Skipped { get; init; }

    /// <summary>How many entries <see cref="Files"/> holds.</summary>
    public long FileCount { get; init; }

    /// <summary>The sum of the regular files' sizes in <see cref="Files"/>, in bytes.</summary>
    public long TotalBytes { get; init; }

    public string Tool { get; init; } = "BackupPs " + typeof(BackupManifest).Assembly.GetName().Version?.ToString(3);
}

/// <summary>A backup as the pipeline sees it: the manifest plus where it lives now.</summary>
public sealed class BackupRecord : BackupManifest
{
    /// <summary>Full path of the artifact; binds to -Path of Test-Backup (and Restore-Database).</summary>
    public required string Path { get; init; }

    public required string ManifestPath { get; init; }

    /// <summary>
    /// <see cref="BackupManifest.CatalogName"/> in the CLI's --json, as PowerShell's ConvertTo-Json writes the public
    /// property; manifests do not store it (it is derived from Name and Database).
    /// </summary>
    [JsonInclude, JsonPropertyName(nameof(CatalogName))]
    internal string CatalogNameInOutput => CatalogName;

    /// <summary>
    /// "app-prod-20261121T020000Z.dump.zst (prod/app, 2026-11-21 02:00:00Z, 1.2 MB)", "certs-prod-...tar.zst (prod/directory/certs, ...)":
    /// what "$record" prints.
    /// </summary>
    public override string ToString() =>
        $"{FileName} ({Environment}/{(Kind == BackupKind.Database ? CatalogName : $"{Kind.ToString().ToLowerInvariant()}/{CatalogName}")}, "
        + $"{StartedUtc.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}, {(SizeBytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture)} MB)";
}

/// <summary>What a <see cref="FileEntry"/> is: the tar entry types BackupPs writes.</summary>
/// <remarks>Based on long on purpose: PowerShell's ConvertTo-Json writes long-based enums by name, as the CLI's --json does.</remarks>
public enum FileEntryType : long
{
    File,
    Directory,
    SymbolicLink,

    /// <summary>A second name of a file met earlier in the tree (same device and inode); <see cref="FileEntry.LinkTarget"/> is that first name.</summary>
    HardLink,
}

/// <summary>
/// One entry of a file set's tree, in its manifest and in its tar. Metadata as lstat(2) reported it when the entry was
/// read; names as bytes decoded from UTF-8 (a name that is not valid UTF-8 is refused with a per-file error, never changed).
/// </summary>
public sealed record FileEntry
{
    /// <summary>
    /// The path relative to the source root, '/'-separated, no leading "./" or '/'; "." is the root folder itself
    /// (Directory, Volume). For EnvFile, the absolute path without its leading '/' ("opt/app/apps/api/.env"), as GNU tar
    /// stores absolute names. The tar entry's name is the same (a folder's with a trailing '/').
    /// </summary>
    public required string Path { get; init; }

    public FileEntryType Type { get; init; }

    /// <summary>Bytes of content (File, and the first name of a hard-linked file); 0 for the other types.</summary>
    public long Size { get; init; }

    /// <summary>The permission bits with setuid, setgid and sticky, as 4 octal digits ("0644", "2775"): what stat -c %a shows, zero-padded.</summary>
    public required string Mode { get; init; }

    /// <summary>Numeric owner, as recorded (names are not: a restore on another host maps by number, as tar --numeric-owner).</summary>
    public long Uid { get; init; }

    /// <summary>Numeric group.</summary>
    public long Gid { get; init; }

    /// <summary>Last modification time, UTC, to the precision the source gave (nanoseconds kept to 100 ns ticks).</summary>
    public DateTimeOffset Modified { get; init; }

    /// <summary>The target of a symbolic link as stored in it (never followed), or the first name of a hard link's file.</summary>
    public string? LinkTarget { get; init; }

    /// <summary>SHA-256 of the content read (File only), 64 lower-case hex digits.</summary>
    public string? Sha256 { get; init; }

    /// <summary>
    /// Incremental backups: the <see cref="BackupManifest.FileName"/> of the earlier artifact in the same folder whose
    /// tar holds this file's content, because it had not changed. Null when this artifact's tar holds it.
    /// </summary>
    public string? StoredIn { get; init; }

    /// <summary>True when the file changed while it was read (GNU tar's "file changed as we read it"): its copy may be torn.</summary>
    public bool ChangedWhileRead { get; init; }

    /// <summary>EnvFile only: the names of the variables the file defines, in file order, each once. Never their values.</summary>
    public IReadOnlyList<string>? Variables { get; init; }
}

/// <summary>An entry of a file set's source that is not in the backup, and why.</summary>
/// <param name="Path">The path relative to the source root; bytes that are not UTF-8 shown as \xNN.</param>
/// <param name="Reason">Why it was left out, a sentence ("a FIFO: tar of a pipe would block or copy nothing").</param>
public sealed record SkippedEntry(string Path, string Reason);

/// <summary>A Docker named volume as Docker described it when it was backed up (GET /volumes/{name}).</summary>
public sealed record VolumeSource
{
    public required string Name { get; init; }

    /// <summary>The volume driver ("local").</summary>
    public required string Driver { get; init; }

    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>The driver's options (for local: type, device, o), recreated by Restore-Volume.</summary>
    public IReadOnlyDictionary<string, string>? Options { get; init; }

    /// <summary>How it was read: "Mountpoint" (the daemon's folder, as root on the daemon's host) or "ArchiveApi" (GET /containers/{id}/archive of a helper container).</summary>
    public required string ReadThrough { get; init; }

    /// <summary>Containers stopped for the copy and started again (-StopContainer), by name.</summary>
    public IReadOnlyList<string>? StoppedContainers { get; init; }

    /// <summary>The volume's name: what a record's Volume means when piped into -Volume (Get-Backup -Kind Volume | Backup-Volume).</summary>
    public override string ToString() => Name;
}
