using BackupPs.Core.Commands;

namespace BackupPs.Core.Volumes;

[Command("Restore", "Volume", typeof(VolumeRestoreRecord), typeof(RestoreVolumeHandler), Impact = CommandImpact.High,
    Synopsis = "Restores a volume backup into a new Docker volume, or replaces a volume's content after a safety backup of it.",
    Description = """
        Restore-Volume restores one backup made by Backup-Volume. Nothing is written before the whole
        backup was proven: its manifest and store are checked, every byte of the artifact is read and
        compared with the manifest's file list, and the tree is checked for entries a restore refuses
        (a write through a symbolic link, a hard link to a folder). Symbolic links are restored as
        links whatever they point at: in a volume they mean paths inside its containers.

        Without -Replace the target (-Volume, default the backed-up volume's name) must not exist: it
        is created with the recorded driver, labels and driver options and the files are written into
        it; on any failure it is removed again. With -Replace the volume must exist: the running
        containers that mount it are stopped (written to a journal in the store first, and started
        again afterwards, also on failure or by the next run if this one is killed), its current content
        is backed up into the store (a safety backup, a normal Backup-Volume artifact), and then
        replaced. If anything fails after that, the safety backup is put back.

        Owners (numeric), modes, symbolic and hard links and mtimes are restored, so a PostgreSQL data
        directory starts again. As root on the Docker host the files are written into the volume's
        folder directly (sub-second mtimes and extended attributes kept); otherwise through the Engine
        API's archive endpoint into a helper container created from an image already present.
        Everything restored is compared with the manifest afterwards.

        It asks for confirmation (ConfirmImpact High; the CLI asks on a terminal and needs --force
        without one). -WhatIf prints the plan and changes nothing.
        """,
    OutputDescription = "One record per restore: the volume written, New or Replace, the backup restored, how the files were written, the safety backup and the containers stopped (with -Replace), file count, bytes and times.")]
[Example(Title = "Restore last night's database volume under a new name and look at it",
    Code = "Get-Backup -Path /opt/backups -Environment prod -Kind Volume -Latest | Where-Object Name -eq docker_db-data | Restore-Volume -Volume db-data-check",
    Remarks = "Creates the volume db-data-check with the recorded driver and labels and restores the files into it; docker_db-data is not touched. Start a container on it to check it, then docker volume rm db-data-check.",
    Cli = "backupps restore-volume --path /opt/backups/prod/volume/docker_db-data/docker_db-data-prod-20261121T020000Z.tar.zst --volume db-data-check")]
[Example(Title = "Put a volume back as it was last night",
    Code = """
        Restore-Volume -Path /opt/backups/prod/volume/knot_uploads/knot_uploads-prod-20261121T020000Z.tar.zst -Replace -WhatIf
        Restore-Volume -Path /opt/backups/prod/volume/knot_uploads/knot_uploads-prod-20261121T020000Z.tar.zst -Replace
        """,
    Remarks = """
        The first line prints the plan (containers to stop, safety backup, replacement) and changes
        nothing. The second asks for confirmation, stops the containers that use knot_uploads, backs
        its current content up into /opt/backups, replaces it, checks every file, and starts the
        containers again.
        """,
    Cli = """
        backupps restore-volume --path /opt/backups/prod/volume/knot_uploads/knot_uploads-prod-20261121T020000Z.tar.zst --replace --what-if
        backupps restore-volume --path /opt/backups/prod/volume/knot_uploads/knot_uploads-prod-20261121T020000Z.tar.zst --replace --force
        """)]
public sealed class RestoreVolumeOptions
{
    [Option(Mandatory = true, Position = 0, IsPath = true, FromPipeline = true, FromPipelineByPropertyName = true,
        Help = "The backup to restore: a volume backup file (pipe Get-Backup output), its manifest, or a folder holding exactly one backup.")]
    public string[]? Path { get; set; }

    [Option(Completion = CompletionSource.Volume, Help = "The volume to restore into. Default: the volume the backup was taken of. Without -Replace it must not exist.")]
    public string? Volume { get; set; }

    [Option(Help = "Replace the content of the existing volume: stop its running containers, back it up into the store, replace it, start them again. On failure the safety backup is put back.")]
    public bool Replace { get; set; }
}
