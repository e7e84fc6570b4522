using BackupPs.Core.Commands;

namespace BackupPs.Core.Directories;

[Command("Restore", "Directory", typeof(DirectoryRestoreRecord), typeof(RestoreDirectoryHandler), Impact = CommandImpact.High,
    Synopsis = "Restores a proven folder backup into a new or empty folder, or swaps it in for an existing one, never writing over files.",
    Description = """
        Restore-Directory restores a backup made by Backup-Directory. By default it restores into the
        folder the backup was taken from (or -Destination), which must not exist yet (its parent must)
        or be empty: a restore never writes over files.

        Nothing is written before the whole backup is proven: the file's SHA-256 against its
        manifest, every tar entry against the manifest's file list, and, for an incremental backup,
        every earlier backup it takes unchanged files from. Entries that could write outside the
        destination are refused before anything is written: names with '..' or absolute names,
        entries the manifest does not list, symbolic links whose target is absolute or leads out of
        the tree (unless -AllowExternalLinks), hard links to anything not restored before them, and
        anything below a link. The tree comes back with its modes (setuid, setgid and sticky
        included), modification times, symbolic links, hard links, empty folders and extended
        attributes where the file system takes them; owners and groups (by number) when run as root,
        else everything belongs to the current user. Every file is then compared with the manifest;
        any failure, Ctrl+C included, removes what was written.

        With -Replace an existing folder is replaced: the backup is restored beside it
        (<name>.restoring-<UTC stamp>, on the same file system), verified, and swapped in by rename;
        the old tree is kept as <name>.before-<UTC stamp> unless -RemovePrevious. Until the swap the
        existing folder is not touched.

        It asks for confirmation (ConfirmImpact High; -Force or -Confirm:$false skips it; the CLI asks
        on a terminal and needs --force without one). -WhatIf prints the plan and changes nothing.
        """,
    OutputDescription = "One record per restore: the backup (Path, Kind, Name, Environment), the Destination, Mode (New or Replace), where the replaced tree was kept (PreviousPath), FileCount and TotalBytes, whether owners were restored, the checks made, the start and duration.")]
[Example(Title = "Restore a lost certificate folder where it was",
    Code = "Get-Backup -Path /opt/backups -Environment prod -Kind Directory -Latest | Where-Object Name -eq certs | Restore-Directory",
    Remarks = "Restores the newest certs backup into the folder it was taken from (/opt/app/certs), which must be missing or empty. Run as root to get the owners back.",
    Cli = "backupps restore-directory --path /opt/backups/prod/directory/certs/certs-prod-20261121T020000Z.tar.zst --force",
    CliTitle = "Restore one backup file where it was taken from")]
[Example(Title = "Look at a backup in another folder first",
    Code = "Restore-Directory -Path /opt/backups/prod/directory/photos/photos-prod-20261121T020000Z.tar.zst -Destination /tmp/photos-check -Force",
    Remarks = "Restores into /tmp/photos-check (created; its parent must exist) without asking, leaving the live folder alone.",
    Cli = "backupps restore-directory --path /opt/backups/prod/directory/photos/photos-prod-20261121T020000Z.tar.zst --destination /tmp/photos-check --force")]
[Example(Title = "Replace a damaged folder, keeping the old tree",
    Code = """
        Restore-Directory -Path /opt/backups/prod/directory/certs/certs-prod-20261121T020000Z.tar.zst -Replace -WhatIf
        Restore-Directory -Path /opt/backups/prod/directory/certs/certs-prod-20261121T020000Z.tar.zst -Replace
        """,
    Remarks = "The first line prints the plan and changes nothing. The second restores beside /opt/app/certs, verifies every file, swaps the folders by rename and keeps the old one as /opt/app/certs.before-<UTC stamp>.",
    Cli = """
        backupps restore-directory --path /opt/backups/prod/directory/certs/certs-prod-20261121T020000Z.tar.zst --replace --what-if
        backupps restore-directory --path /opt/backups/prod/directory/certs/certs-prod-20261121T020000Z.tar.zst --replace --force
        """)]
public sealed class RestoreDirectoryOptions
{
    [Option(Mandatory = true, Position = 0, IsPath = true, FromPipeline = true, FromPipelineByPropertyName = true,
        Help = "The backup to restore: a backup file (pipe Get-Backup output), its manifest, or a folder holding exactly one backup.")]
    public string[]? Path { get; set; }

    [Option(IsDestinationPath = true, Help = "The folder to restore into: new (its parent must exist) or empty, or with -Replace an existing one. Default: the folder the backup was taken from.")]
    public string? Destination { get; set; }

    [Option(Help = "Replace an existing, non-empty destination: restore beside it, verify every file, swap the folders by rename, and keep the old tree as <name>.before-<UTC stamp>.")]
    public bool Replace { get; set; }

    [Option(Requires = nameof(Replace), Help = "With -Replace: remove the replaced tree after the swap instead of keeping it.")]
    public bool RemovePrevious { get; set; }

    [Option(Help = "Restore symbolic links whose target is absolute or leads out of the restored tree, as links (never written through). Without it such a backup is refused before anything is written.")]
    public bool AllowExternalLinks { get; set; }

    [Option(Help = "Restore without asking for confirmation. -WhatIf still only shows what would be done.")]
    public bool Force { get; set; }
}
