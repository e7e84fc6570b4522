using BackupPs.Core.Catalog;
using BackupPs.Core.Commands;
using BackupPs.Core.Compression;

namespace BackupPs.Core.Volumes;

[Command("Backup", "Volume", typeof(BackupRecord), typeof(BackupVolumeHandler), Impact = CommandImpact.Medium,
    Synopsis = "Backs up Docker named volumes, proves each copy, and stores it with a manifest of every file.",
    Description = """
        Backup-Volume copies each named volume into one tar artifact (POSIX/PAX, zstd or gzip) under
        <store>/<environment>/volume/<volume>/, with a manifest listing every file (path, type, size,
        mode, numeric owner, mtime, link target, SHA-256) and the volume's driver, labels and options.
        The written file is read back whole and compared with that list before it is kept; a failure
        or Ctrl+C leaves nothing that looks like a backup.

        Nothing is pulled. As root on the Docker host the volume's folder is read directly (sub-second
        mtimes and extended attributes kept); otherwise through the Engine API's archive endpoint from
        a helper container that is created, never started, from an image already present, with the
        volume mounted read-only, and removed afterwards. The manifest records which (ReadThrough).

        A volume that a running container mounts read-write is not copied silently. -StopContainer
        stops those containers for the copy and starts them again afterwards, also when the copy fails;
        they are written to a journal in the store first, so a run that is killed meanwhile has them
        started by the next Backup-Volume or Restore-Volume on that store. Containers labelled
        backupps.stop-during-backup=true are stopped without -StopContainer. -AllowLive copies the volume
        while in use and records it as crash-consistent. A volume that holds the data directory of a
        running PostgreSQL server is refused even with -AllowLive: Backup-Database is the consistent
        way to back the database up (or -StopContainer). Read-only mounts do not count.

        Stopping a container is confirmed like the backup itself (ConfirmImpact Medium: -Confirm asks,
        -WhatIf shows which containers would be stopped).
        """,
    OutputDescription = "One record per volume backed up: its artifact and manifest, environment, volume name, driver, labels and options, how it was read, the containers stopped, consistency, file count, sizes, SHA-256 and times.")]
[Example(Title = "Back up the database volume of a compose project, stopping its container for the copy",
    Code = "Backup-Volume -Volume docker_db-data -Environment prod -Path /opt/backups -StopContainer",
    Remarks = """
        Stops the containers that mount docker_db-data read-write (the database container), copies the
        volume, and starts them again. Backup-Database is the way to back a running database up; this
        copy of its files is what restores a whole volume as it was.
        """,
    Cli = "backupps backup-volume --volume docker_db-data --environment prod --path /opt/backups --stop-container")]
[Example(Title = "Back up every volume of a compose project",
    Code = "docker volume ls --filter label=com.docker.compose.project=knot --format json | ConvertFrom-Json | Backup-Volume -Environment prod -Path /opt/backups",
    Remarks = "Each object's Name binds to -Volume. A volume in use by a running container is refused with VolumeInUse (the others are still backed up); label such containers backupps.stop-during-backup=true to have them stopped for the copy.",
    Cli = "backupps backup-volume --volume knot_uploads,knot_certs --environment prod --path /opt/backups")]
[Example(Title = "Copy a cache volume while its container keeps running",
    Code = "Backup-Volume -Volume knot_cache -Environment dev -Path /opt/backups -AllowLive -Exclude '*.tmp'",
    Remarks = "Recorded as CrashConsistent: what a power cut would have left. Files matching *.tmp are left out.",
    Cli = "backupps backup-volume --volume knot_cache --environment dev --path /opt/backups --allow-live --exclude '*.tmp'")]
public sealed class BackupVolumeOptions
{
    [Option(Mandatory = true, Position = 0, FromPipeline = true, FromPipelineByPropertyName = true, Aliases = ["Name", "VolumeName"], Completion = CompletionSource.Volume,
        Help = "Names of the Docker named volumes to back up (docker volume ls; in the CLI comma-separated). Piped strings, objects with a Name or VolumeName property, and backup records (their Volume) bind here.")]
    public string[]? Volume { get; set; }

    [Option(Mandatory = true, FromPipelineByPropertyName = true, Rule = OptionRule.EnvironmentName, Completion = CompletionSource.Environment,
        Help = "Environment the volumes belong to (prod, dev, staging...). Names the folder and every file.")]
    public string? Environment { get; set; }

    [Option(IsPath = true, FromPipelineByPropertyName = true,
        Help = "Backup store folder, created when missing; a backup file (a piped record's Path) means the store it lives in. Default: ./backups")]
    public string? Path { get; set; } = BackupNames.DefaultRoot;

    [Option(Help = "Stop the running containers that mount a volume read-write for its copy, and start them again after (also when the copy fails).")]
    public bool StopContainer { get; set; }

    [Option(Excludes = nameof(StopContainer), Help = "Copy a volume that running containers mount read-write while they run; recorded as CrashConsistent. Never for a running PostgreSQL's data directory.")]
    public bool AllowLive { get; set; }

    [Option(Help = "Patterns of entries to leave out: a name at any depth (*.tmp, cache) or a path from the volume's root (logs/*.log); ** matches any number of folders.")]
    public string[]? Exclude { get; set; }

    [Option(Help = "Compression of the stored file: Zstd (default; the system libzstd) or Gzip (used instead when libzstd is missing).")]
    public CompressionKind? Compression { get; set; }
}
