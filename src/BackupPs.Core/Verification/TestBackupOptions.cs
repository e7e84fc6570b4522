using BackupPs.Core.Commands;

namespace BackupPs.Core.Verification;

[Command("Test", "Backup", typeof(TestBackupResult), typeof(TestBackupHandler), Impact = CommandImpact.Medium,
    Synopsis = "Proves a backup: hash, full decompression, structure and row counts against its manifest; with -Restore, a full restore drill.",
    Description = """
        Test-Backup re-hashes the backup file, decompresses all of it, walks the archive and compares
        everything with the manifest: file name, size, SHA-256, decompression, structure, metadata and
        every table's row count. It emits one result per backup with Passed and a row per check, and a
        non-terminating error when a check failed, so a pipeline of many backups tests them all.

        With -Restore it runs a restore drill: the backup is restored into a throwaway database
        (backupps_drill_<stamp>) in the container it came from, or with -Isolated into a throwaway
        container started from the source's image; exact row counts are compared with the manifest,
        Prisma migrations are checked when the database has them, -Query must return -Expected, and
        the drill database or container is always dropped. A drill runs only in a container of the
        backup's own environment.

        Without -Restore it only reads. Pester drills for a cron job or systemd timer build on it
        (tests/drills in the repository).
        """,
    OutputDescription = "One result per backup: its path, environment and database, Passed, one row per check (name, passed, detail), the duration, and with -Restore the restore time and the database restored into.")]
[Example(Title = "Prove the newest backup of every prod database",
    Code = "Get-Backup -Path /opt/backups -Environment prod -Latest | Test-Backup",
    Remarks = "Reads each file completely and compares it with its manifest; nothing is restored. A failed check is a non-terminating error and Passed is false.",
    Cli = "backupps test-backup /opt/backups/prod/app/app-prod-20261121T020000Z.dump.zst --json",
    CliTitle = "Prove one backup, or all in a folder (the CLI cannot pick the newest)")]
[Example(Title = "Weekly restore drill with a query that must hold",
    Code = "Get-Backup -Path /opt/backups -Environment prod -Database app -Latest | Test-Backup -Restore -Query 'select count(*) > 0 from users'",
    Remarks = "Restores the latest app backup into a throwaway database in its own container, compares every table's exact row count, checks that users is not empty, and drops the throwaway database.",
    Cli = "backupps test-backup /opt/backups/prod/app/app-prod-20261121T020000Z.dump.zst --restore --query \"select count(*) > 0 from users\" --json")]
[Example(Title = "Drill in an isolated container and fail a script when the drill fails",
    Code = """
        $results = Get-Backup -Path /opt/backups -Environment prod -Latest | Test-Backup -Restore -Isolated
        if ($results.Passed -contains $false) { exit 1 }
        """,
    Remarks = "Each backup is restored into a throwaway container started from its source's image, so the production server does no work. The exit code lets cron, a systemd timer or CI report the failed drill.",
    Cli = "backupps test-backup /opt/backups/prod/app/app-prod-20261121T020000Z.dump.zst --restore --isolated")]
public sealed class TestBackupOptions
{
    [Option(Mandatory = true, Position = 0, IsPath = true, FromPipeline = true, FromPipelineByPropertyName = true,
        Help = "Backups to test: backup files (pipe Get-Backup or Backup-Database output), their manifests, or store folders (every backup in them).")]
    public string[]? Path { get; set; }

    [Option(Help = "Restore drill: restore into a throwaway database, compare exact row counts with the manifest, check Prisma migrations and -Query, then drop it.")]
    public bool Restore { get; set; }

    [Option(Requires = nameof(Restore), Help = "With -Restore: restore into a throwaway container started from the source's image instead of a database in the target server.")]
    public bool Isolated { get; set; }

    [Option(Requires = nameof(Restore), Excludes = nameof(Isolated), Completion = CompletionSource.Container, Help = "With -Restore, not with -Isolated: the container to drill in. Default: the container the backup was taken from, else, when compose recreated it under another name, its compose service's container, which must then be labelled backupps.environment with the backup's environment. A container labelled with another environment is refused.")]
    public string? Container { get; set; }

    [Option(Requires = nameof(Restore), Help = "With -Restore: SQL run in the restored database; its single value must equal -Expected.")]
    public string? Query { get; set; }

    [Option(Requires = nameof(Restore), AllowEmpty = true, Help = "With -Restore and -Query: what -Query must return (psql's unaligned text, e.g. 42 or t). Default: t (true).")]
    public string? Expected { get; set; }

    [Option(Requires = nameof(Restore), Excludes = nameof(Isolated), Help = "With -Restore, not with -Isolated: PostgreSQL login for the drill. Default: POSTGRES_USER / POSTGRES_PASSWORD of the container, or the secrets their *_FILE variants name.")]
    public DatabaseCredential? Credential { get; set; }
}
