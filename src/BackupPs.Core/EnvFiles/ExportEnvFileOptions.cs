using BackupPs.Core.Catalog;
using BackupPs.Core.Commands;
using BackupPs.Core.Compression;

namespace BackupPs.Core.EnvFiles;

[Command("Export", "EnvFile", typeof(BackupRecord), typeof(ExportEnvFileHandler),
    Impact = CommandImpact.Medium, Aliases = ["Export-EnvFiles"],
    Synopsis = "Backs up .env files into one proven, catalogued artifact whose manifest lists each file's variable names, never their values.",
    Description = """
        Export-EnvFile backs up the .env files given by -SourcePath, or piped from Get-ChildItem, into
        one artifact: everything piped in one pipeline makes one backup. Each file is read whole, with
        its mode, owner, group and modification time; a symbolic link is followed to its regular file,
        which is recorded under its own path. A file that is missing is an error naming it (the others
        are still backed up) unless -SkipMissing, for files that may not exist; a folder, FIFO, device
        or a file larger than 1 MiB is an error of its own. The manifest records every file left out, with why.

        The files go into a tar (POSIX PAX, as GNU tar writes, each under its absolute path without the
        leading /), compressed (zstd, or gzip), hashed (SHA-256), read back whole and compared with the
        file list before it is stored under <root>/<environment>/envfile/<name>/ with a manifest, as
        <name>-<environment>-<UTC stamp>.tar.zst: mode 0600, folders 0700. A failure or Ctrl+C leaves
        nothing behind.

        Variable values are secrets: they never appear in the output, in verbose or error messages,
        or in the manifest. Both list, for each file, the NAMES of the variables it defines (the syntax
        of docker compose and dotenv: KEY=value, export KEY=value, quotes spanning lines, comments), so
        two backups show which keys came or went. A line that defines nothing is a warning naming the
        file and the line number, never the line's text. Import-EnvFile puts the files back.
        """,
    OutputDescription = "One record for the backup written: its file and manifest, environment, name, source host and paths, compression, sizes, SHA-256, times and the list of files with mode, owner, SHA-256 and variable names.")]
[Example(Title = "Back up every .env file of a deployment",
    Code = "Get-ChildItem /opt/app -Recurse -Filter .env -Force | Export-EnvFile -Environment prod -Path /opt/backups",
    Remarks = """
        Finds the .env files under /opt/app (-Force: they are hidden files) and stores them all in
        one backup, /opt/backups/prod/envfile/env/env-prod-<UTC stamp>.tar.zst, whose record lists
        each file's variable names.
        """,
    Cli = "backupps export-env-file --source-path /opt/app/apps/api/.env --source-path /opt/app/apps/web/.env --environment prod --path /opt/backups")]
[Example(Title = "Back up the runbook's files, some of which may be missing",
    Code = """
        Export-EnvFile -SourcePath apps/api/.env, apps/web/.env, infrastructure/docker/.env, clients/nfc-agent/.env -Environment prod -Path /opt/backups -SkipMissing
        (Get-Backup -Path /opt/backups/prod/envfile/env -Latest).Files | Select-Object Path, Variables
        """,
    Remarks = "Paths are relative to the current location. -SkipMissing turns a missing file into a warning instead of an error (the runbook's optional files); the second line shows which variables each file had in the newest backup.",
    Cli = "backupps export-env-file --source-path apps/api/.env --source-path apps/web/.env --source-path infrastructure/docker/.env --source-path clients/nfc-agent/.env --environment prod --path /opt/backups --skip-missing")]
public sealed class ExportEnvFileOptions
{
    [Option(Mandatory = true, Position = 0, IsSourcePath = true,
        Help = "The .env files to back up, relative to the current location; wildcards match hidden files too (apps/*/.env). Get-ChildItem output binds here; all files of one pipeline go into one backup.")]
    public string[]? SourcePath { get; set; }

    [Option(Mandatory = true, Rule = OptionRule.EnvironmentName, Completion = CompletionSource.Environment,
        Help = "Environment the files belong to (prod, dev, staging...). Names the folder and the file.")]
    public string? Environment { get; set; }

    [Option(IsPath = true, Help = "Backup store folder, created when missing; a backup file means the store it lives in. Default: ./backups")]
    public string? Path { get; set; } = BackupNames.DefaultRoot;

    [Option(Help = "The name the set is catalogued under: its folder <root>/<environment>/envfile/<name>/ and its file names. Default: env")]
    public string? Name { get; set; } = DefaultName;

    [Option(Help = "A file that does not exist is a warning, not an error (files that are optional). Folders, special files and unreadable files are still errors.")]
    public bool SkipMissing { get; set; }

    [Option(Help = "Compression of the stored file: Zstd (default; the system libzstd) or Gzip (used instead when libzstd is missing).")]
    public CompressionKind? Compression { get; set; }

    /// <summary>The catalog name of a set not given -Name.</summary>
    public const string DefaultName = "env";
}
