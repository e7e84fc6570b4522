using BackupPs.Core.Catalog;
using BackupPs.Core.Compression;

namespace BackupPs.Core.Files;

/// <summary>
/// What <see cref="FileSetArchive.StoreAsync"/> stores and where: the manifest fields of a file set that do not come
/// from the entries themselves.
/// </summary>
public sealed record FileSetSpec
{
    /// <summary>EnvFile, Directory or Volume (never Database).</summary>
    public required BackupKind Kind { get; init; }

    /// <summary>The catalog name (<see cref="BackupManifest.Name"/>): names the folder &lt;store&gt;/&lt;env&gt;/&lt;kind&gt;/&lt;name&gt;/ and the file.</summary>
    public required string Name { get; init; }

    /// <summary>The environment, already normalized (<see cref="BackupNames.NormalizeEnvironment"/>).</summary>
    public required string Environment { get; init; }

    /// <summary>The absolute store root (<see cref="BackupPaths.StoreRoot"/>).</summary>
    public required string StoreRoot { get; init; }

    public required CompressionKind Compression { get; init; }

    /// <summary>The host the source was read on (<see cref="BackupManifest.SourceHost"/>); default: this machine's name.</summary>
    public string SourceHost { get; init; } = System.Environment.MachineName;

    /// <summary>The absolute paths read (<see cref="BackupManifest.SourcePaths"/>).</summary>
    public required IReadOnlyList<string> SourcePaths { get; init; }

    /// <summary>
    /// How consistent the source was while read, as the producer knows it (Consistent unless a volume was copied live or
    /// with its containers stopped). A file that changed while read makes the stored manifest say CrashConsistent.
    /// </summary>
    public BackupConsistency Consistency { get; init; } = BackupConsistency.Consistent;

    /// <summary>The volume as Docker described it (Volume only).</summary>
    public VolumeSource? Volume { get; init; }

    /// <summary>The -Exclude patterns in effect, as given (Directory, Volume).</summary>
    public IReadOnlyList<string>? Exclude { get; init; }

    /// <summary>
    /// Entries the producer left out, with why (each already reported as an error). Read once every entry has been
    /// consumed, so a list the producer fills while it is enumerated (<see cref="TreeScan.Skipped"/>) is complete by then.
    /// </summary>
    public IReadOnlyCollection<SkippedEntry>? Skipped { get; init; }

    /// <summary>
    /// -Incremental: the previous backup of the same source in the same folder. An unchanged regular file (same type,
    /// size, mtime, mode, uid and gid as in its Files) is not written again; its entry names the artifact that holds it
    /// (<see cref="FileEntry.StoredIn"/>). Null for a full backup.
    /// </summary>
    public BackupRecord? Base { get; init; }

    /// <summary>The time that names the file and fills the manifest (tests pin it).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
