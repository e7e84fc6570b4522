using BackupPs.Core.Commands;

namespace BackupPs.Core.EnvFiles;

[Command("Import", "EnvFile", typeof(EnvFileImportRecord), typeof(ImportEnvFileHandler), Impact = CommandImpact.High,
    Synopsis = "Writes the .env files of a backup back to where they were, or under a folder given, keeping the files they replace.",
    Description = """
        Import-EnvFile restores one backup made by Export-EnvFile. Before anything is written, the
        backup is proven: its manifest is checked, the whole file is hashed against the SHA-256 its
        manifest records, and every file in its archive against the file list and each file's
        SHA-256. A damaged backup writes nothing.

        Each file goes back to the absolute path it was read from, or, with -Destination, to that
        path under the folder given (/srv/check/opt/app/apps/api/.env, as tar -C would put it).
        It is written into a temporary file beside the target with the recorded mode (and, when
        running as root, the recorded owner and group), synced to disk and renamed over the target,
        so the app never reads half a file. The file it replaces is first kept as
        <file>.before-<UTC stamp> (mode 0600). A file that already has the backup's content, mode
        and owner is left alone. Missing folders are created with mode 0700. A target that is a
        symbolic link, a folder or a special file is not replaced (an error for that file).

        Variable values are secrets: they are compared in memory and never shown. The output, the
        confirmation and -WhatIf name the variables the backup adds, removes or changes in each
        file. It asks for confirmation before writing (ConfirmImpact High; -Force or the CLI's
        --force answer yes); -WhatIf lists those names per file and writes nothing.
        """,
    OutputDescription = "One record per file: the backup it came from (Path) and its kind, the file written and the path recorded, what was done (Created, Replaced, Unchanged), the copy of the replaced file, the mode and owner it has now, and the names of the variables added, removed and changed.")]
[Example(Title = "See which variables last night's backup would change, then put it back",
    Code = """
        Get-Backup -Path /opt/backups/prod/envfile/env -Latest | Import-EnvFile -WhatIf
        Get-Backup -Path /opt/backups/prod/envfile/env -Latest | Import-EnvFile
        """,
    Remarks = "The first line lists, per file, the names of the variables that would be added, removed or changed, and writes nothing. The second asks, then writes every file back to its recorded path, keeping each replaced file as <file>.before-<UTC stamp>.",
    Cli = """
        backupps import-env-file --path /opt/backups/prod/envfile/env/env-prod-20261121T020000Z.tar.zst --what-if
        backupps import-env-file --path /opt/backups/prod/envfile/env/env-prod-20261121T020000Z.tar.zst --force
        """)]
[Example(Title = "Unpack a backup's .env files into a folder to look at them",
    Code = "Import-EnvFile -Path /opt/backups/prod/envfile/env/env-prod-20261121T020000Z.tar.zst -Destination /root/env-check -Force",
    Remarks = "Writes /root/env-check/opt/app/apps/api/.env and the others (folders 0700) without touching the live files; -Force skips the confirmation.",
    Cli = "backupps import-env-file --path /opt/backups/prod/envfile/env/env-prod-20261121T020000Z.tar.zst --destination /root/env-check --force")]
public sealed class ImportEnvFileOptions
{
    [Option(Mandatory = true, Position = 0, IsPath = true, FromPipeline = true, FromPipelineByPropertyName = true,
        Help = "The backup to import: a backup file (pipe Get-Backup output), its manifest, or a folder holding exactly one backup.")]
    public string[]? Path { get; set; }

    [Option(IsDestinationPath = true, Help = "A folder to write the files under, each at its recorded absolute path (as tar -C does). Default: the recorded paths themselves.")]
    public string? Destination { get; set; }

    [Option(Help = "Write without asking for confirmation. -WhatIf still only shows what would be written.")]
    public bool Force { get; set; }
}
