using BackupPs.Core.Catalog;
using BackupPs.Core.Restore;

namespace BackupPs.Core.Volumes;

/// <summary>What Restore-Volume emits per volume restored: the volume written, the backup it came from, and how.</summary>
public sealed class VolumeRestoreRecord
{
    /// <summary>Always <see cref="BackupKind.Volume"/>: what was restored.</summary>
    public BackupKind Kind => BackupKind.Volume;

    /// <summary>The volume restored into (its name).</summary>
    public required string Volume { get; init; }

    /// <summary>New: created for the restore with the recorded driver, labels and options; Replace: its content replaced.</summary>
    public RestoreMode Mode { get; init; }

    /// <summary>The backup file restored (binds to -Path of Test-Backup).</summary>
    public required string Path { get; init; }

    /// <summary>The volume the backup was taken of.</summary>
    public required string BackupVolume { get; init; }

    public required string BackupEnvironment { get; init; }

    /// <summary>How the files were written: "Mountpoint" (the volume's folder, as root on the Docker host) or "ArchiveApi" (PUT /containers/{id}/archive).</summary>
    public required string WrittenThrough { get; init; }

    /// <summary>-Replace: the safety backup of the volume's content before it was replaced (a Backup-Volume artifact in the store).</summary>
    public string? SafetyBackupPath { get; init; }

    /// <summary>-Replace: the containers stopped while the content was replaced, and started again.</summary>
    public IReadOnlyList<string>? StoppedContainers { get; init; }

    /// <summary>Entries written (the manifest's FileCount).</summary>
    public long FileCount { get; init; }

    /// <summary>Bytes of file content written.</summary>
    public long TotalBytes { get; init; }

    public DateTimeOffset StartedUtc { get; init; }

    public DateTimeOffset CompletedUtc { get; init; }

    /// <summary>"data (replaced from data-prod-20261121T020000Z.tar.zst)": what "$record" prints.</summary>
    public override string ToString() => $"{Volume} ({(Mode == RestoreMode.New ? "created" : "replaced")} from {System.IO.Path.GetFileName(Path)})";
}
