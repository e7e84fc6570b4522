using BackupPs.Core.Catalog;
using BackupPs.Core.Commands;
using BackupPs.Core.Compression;

namespace BackupPs.Core.Directories;

[Command("Backup", "Directory", typeof(BackupRecord), typeof(BackupDirectoryHandler),
    Impact = CommandImpact.Medium,
    Synopsis = "Backs up folder trees (certificates, photos, PDFs) as proven, catalogued tar archives, in full or incrementally.",
    Description = """
        Backup-Directory walks each -SourcePath folder and writes one POSIX (PAX) tar of it, compressed
        (zstd, or gzip) and hashed (SHA-256) as it is written, streamed in constant memory. The tar keeps
        what a restore needs: numeric owner and group, mode with setuid, setgid and sticky, modification
        time to 100 ns, symbolic links as links (never followed, so nothing outside the folder is read),
        hard links as hard links, empty folders, and extended attributes (as GNU tar's --xattrs writes
        them), so `tar -xpf --numeric-owner --xattrs` reads it too.

        Nothing is changed silently. FIFOs, sockets and devices, and names that are not valid UTF-8 or
        hold a line feed, are left out, each with an error that names it, and listed in the manifest's
        Skipped. A file that changes while it is read is stored at the size it had when the walk found
        it, reported like GNU tar's "file changed as we read it", marked ChangedWhileRead and makes the
        backup crash-consistent. A file or folder that cannot be read (permissions) fails the backup of
        that folder, naming every such entry after the whole tree was walked: a backup that silently
        misses files is no backup. Run as a user who may read everything (root for a whole system's
        files), or leave such entries out with -Exclude.

        The written file is read back and every entry compared with the manifest before it is accepted;
        only then is it renamed into place, never overwriting, beside its manifest (the per-file list
        with type, size, mode, owner, mtime, link target and SHA-256). On any failure or Ctrl+C nothing
        that looks like a backup is left.

        Files are named <root>/<environment>/directory/<name>/<name>-<environment>-<UTC stamp>.tar.<zst|gz>;
        the name is the folder's own name unless -Name is given. -Incremental stores only the files
        that changed (size, mtime, mode or owner) since the previous backup of the same source folder in
        that folder of the store; the manifest still lists the whole tree (so deletions are known) and
        names its base, and Restore-Directory and Test-Backup follow the chain. Without a previous
        backup, -Incremental makes a full one.
        """,
    OutputDescription = "One record per folder backed up: its file and manifest, environment, name, source host and path, compression, sizes, SHA-256, times, the per-file list, what was skipped, the consistency and, for an incremental backup, its base.")]
[Example(Title = "Back up the TLS certificate folder",
    Code = "Backup-Directory -SourcePath /opt/app/certs -Environment prod -Path /opt/backups",
    Remarks = """
        Stores /opt/backups/prod/directory/certs/certs-prod-<UTC stamp>.tar.zst with its manifest: the
        keys keep their 0600 mode and their owner, so a restore gives HTTPS back as it was.
        """,
    Cli = "backupps backup-directory --source-path /opt/app/certs --environment prod --path /opt/backups")]
[Example(Title = "Back up the photos and PDFs daily, incrementally",
    Code = "Backup-Directory -SourcePath /opt/app/storage/photos, /opt/app/storage/pdfs -Environment prod -Path /opt/backups -Incremental",
    Remarks = """
        One backup per folder (photos, pdfs). Photos and PDFs only grow, so after the first (full) run
        each day's backup holds only the new and changed files, while its manifest lists all of them.
        From /etc/cron.d/backupps:

            30 2 * * * root backupps backup-directory --source-path /opt/app/storage/photos --source-path /opt/app/storage/pdfs --environment prod --path /opt/backups --incremental >> /var/log/backupps.log 2>&1
        """,
    Cli = "backupps backup-directory --source-path /opt/app/storage/photos --source-path /opt/app/storage/pdfs --environment prod --path /opt/backups --incremental")]
[Example(Title = "Leave caches and temporary files out",
    Code = "Backup-Directory -SourcePath /opt/app/storage -Environment prod -Path /opt/backups -Exclude cache, '*.tmp', 'thumbnails/**'",
    Remarks = """
        A pattern without '/' matches a name at any depth (every folder called cache, with all it holds;
        every *.tmp file); one with '/' matches the path from the folder's root (everything under
        thumbnails/). The patterns are recorded in the manifest.
        """,
    Cli = "backupps backup-directory --source-path /opt/app/storage --environment prod --path /opt/backups --exclude cache --exclude '*.tmp' --exclude 'thumbnails/**'")]
public sealed class BackupDirectoryOptions
{
    [Option(Mandatory = true, Position = 0, IsSourcePath = true,
        Help = "The folders to back up (wildcards allowed; Get-Item and Get-ChildItem -Directory output binds); each becomes a backup of its own, named after the folder. A symbolic link to a folder is followed (the folder it names is backed up).")]
    public string[]? SourcePath { get; set; }

    [Option(Mandatory = true, FromPipelineByPropertyName = true, Rule = OptionRule.EnvironmentName, Completion = CompletionSource.Environment,
        Help = "Environment the files belong to (prod, dev, staging...). Names the folder and every file.")]
    public string? Environment { get; set; }

    [Option(IsPath = true,
        Help = "Backup store folder, created when missing; a backup file means the store it lives in. Default: ./backups")]
    public string? Path { get; set; } = BackupNames.DefaultRoot;

    [Option(Completion = CompletionSource.Name, Help = "The name the backup is catalogued under (its folder and file names). Default: the source folder's name. Only with one -SourcePath.")]
    public string? Name { get; set; }

    [Option(Help = "Patterns of entries to leave out, relative to the source folder: *.tmp or cache (a name at any depth), logs/*.log or thumbnails/** (a path from the root). An excluded folder is left out whole.")]
    public string[]? Exclude { get; set; }

    [Option(Help = "Store only the files changed since the previous backup of the same source folder in this store (a full backup when there is none); the manifest still lists the whole tree.")]
    public bool Incremental { get; set; }

    [Option(Help = "Compression of the stored file: Zstd (default; the system libzstd) or Gzip (used instead when libzstd is missing).")]
    public CompressionKind? Compression { get; set; }
}
