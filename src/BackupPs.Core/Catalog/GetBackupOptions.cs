using BackupPs.Core.Commands;

namespace BackupPs.Core.Catalog;

[Command("Get", "Backup", typeof(BackupRecord), typeof(GetBackupHandler),
    Synopsis = "Lists the backups recorded under a backup root, newest last, from their manifests.",
    Description = """
        Get-Backup reads the catalog of a backup store: every <stem>.manifest.json under
        <root>/<environment>/<database>/ (database dumps) and <root>/<environment>/<kind>/<name>/
        (.env files, folders and volumes: kind envfile, directory or volume), checked as strictly as
        typed input, together with the backup file it names. It emits one BackupRecord per backup,
        ordered by the recorded start time (never by file name or modification time), so the newest
        comes last. -Kind and -Name narrow the list to one kind or one catalog name (a database, an
        env-file set, a folder, a volume).

        It only reads. A manifest it cannot trust (invalid, naming another file, lying in another
        environment's or database's folder, or a missing or irregular backup file) is skipped with a
        warning that names it; the rest is still listed, so one bad file never hides the catalog.

        Its records pipe into Test-Backup (prove them), the restore command of their kind
        (Restore-Database, Import-EnvFile, Restore-Directory, Restore-Volume) and Backup-Database (back
        up the same database again, into the same store).
        """,
    OutputDescription = "One record per backup in the store that passes the filters, oldest first: file, manifest, kind, environment, catalog name, size, SHA-256 and times; for a database its source container, format and row counts; for a file set its source, file count, total bytes and per-file list.")]
[Example(Title = "List the newest backup of every prod database",
    Code = "Get-Backup -Path /opt/backups -Environment prod -Latest",
    Remarks = "Reads /opt/backups/prod/*/ and returns, per database and kind, only the backup that started last. Run it after the nightly job to see what tonight produced.",
    Cli = "backupps get-backup /opt/backups --environment prod --latest --json")]
[Example(Title = "Show the last week's backups of one database as a table",
    Code = "Get-Backup -Path /opt/backups -Database app -Since (Get-Date).AddDays(-7) | Format-Table",
    Remarks = "All environments of the database app backed up in the last seven days; -Since compares with the start time recorded in each manifest.",
    Cli = "backupps get-backup /opt/backups --database app --since 2026-11-14T00:00:00Z")]
[Example(Title = "List the newest backup of every folder, .env set and volume of prod",
    Code = "Get-Backup -Path /opt/backups -Environment prod -Kind Directory, EnvFile, Volume -Latest",
    Remarks = "One record per kind and name (certs, photos, env, docker_db-data ...), the newest of each. -Name certs narrows it to one name.",
    Cli = "backupps get-backup /opt/backups --environment prod --kind Directory,EnvFile,Volume --latest")]
[Example(Title = "Prove last night's dev backups",
    Code = "Get-Backup -Path /opt/backups -Environment dev -Since (Get-Date).Date.AddDays(-1) | Test-Backup",
    Remarks = "Every dev backup since yesterday's midnight goes to Test-Backup, which re-hashes, decompresses and walks each file and compares it with its manifest.")]
public sealed class GetBackupOptions
{
    [Option(Position = 0, IsPath = true, FromPipeline = true, FromPipelineByPropertyName = true,
        Help = "Backup store folders (or parts of one), or backup files. Default: ./backups")]
    public string[]? Path { get; set; } = [BackupNames.DefaultRoot];

    [Option(FromPipelineByPropertyName = true, Rule = OptionRule.EnvironmentName, Completion = CompletionSource.Environment, Help = "Only backups of this environment.")]
    public string? Environment { get; set; }

    // Not bound from piped records: a file set's record has no Database, and a record piped in lists itself anyway.
    [Option(Rule = OptionRule.PostgresName, Completion = CompletionSource.Database, Help = "Only backups of this database.")]
    public string? Database { get; set; }

    [Option(Help = "Only backups of these kinds: Database, EnvFile, Directory, Volume.")]
    public BackupKind[]? Kind { get; set; }

    [Option(Completion = CompletionSource.Name,
        Help = "Only backups catalogued under this name: a database, an env-file set, a folder's or a volume's name (the <name> folder of <environment>/<kind>/<name>).")]
    public string? Name { get; set; }

    [Option(Help = "Only backups started at or after this time.")]
    public DateTimeOffset? Since { get; set; }

    [Option(Help = "Only the newest backup of each environment, kind and name (database, set, folder or volume).")]
    public bool Latest { get; set; }
}
