using System.Text.Json.Serialization;
using System.Xml;
using BackupPs.Core.Catalog;
using BackupPs.Core.Restore;
using BackupPs.Core.Verification;

namespace BackupPs.Core.Directories;

/// <summary>What Restore-Directory emits for a restore that completed (a failed one is an error, and leaves nothing behind).</summary>
public sealed class DirectoryRestoreRecord
{
    /// <summary>The backup file restored.</summary>
    public required string Path { get; init; }

    public BackupKind Kind { get; init; }

    /// <summary>What the backup is catalogued as (the folder's name or -Name of Backup-Directory).</summary>
    public required string Name { get; init; }

    /// <summary>The backup's environment.</summary>
    public required string Environment { get; init; }

    /// <summary>The folder restored into (its full path).</summary>
    public required string Destination { get; init; }

    /// <summary>New (into a new or empty folder) or Replace (swapped in for an existing tree).</summary>
    public RestoreMode Mode { get; init; }

    /// <summary>With -Replace: where the replaced tree was kept (&lt;destination&gt;.before-&lt;UTC stamp&gt;); null when there was none or -RemovePrevious removed it.</summary>
    public string? PreviousPath { get; init; }

    /// <summary>Entries restored (files, folders, links), as the manifest counts them.</summary>
    public long FileCount { get; init; }

    /// <summary>Bytes of file content restored.</summary>
    public long TotalBytes { get; init; }

    /// <summary>True when every entry got its recorded owner and group (run as root); false: they belong to the user who restored.</summary>
    public bool OwnersRestored { get; init; }

    /// <summary>The checks made before and after writing: the backup's (Sha256, Decompression, Entries, Chain ...) and Compare (the restored tree against the manifest).</summary>
    public required IReadOnlyList<BackupCheck> Checks { get; init; }

    public DateTimeOffset StartedUtc { get; init; }

    /// <summary>How long the restore took, in ISO 8601 ("PT2.1S"); a [TimeSpan] in PowerShell (see <see cref="BackupManifest.Duration"/>).</summary>
    [JsonIgnore]
    public string Duration => XmlConvert.ToString(Elapsed);

    /// <summary>How long the restore took; "Duration" in --json, internal for the reason <see cref="BackupManifest.Elapsed"/> is.</summary>
    [JsonInclude, JsonPropertyName(nameof(Duration))]
    internal TimeSpan Elapsed { get; init; }

    /// <summary>"certs-prod-20261121T020000Z.tar.zst -> /opt/app/certs (Replace)": what "$record" prints.</summary>
    public override string ToString() => $"{System.IO.Path.GetFileName(Path)} -> {Destination} ({Mode})";
}
