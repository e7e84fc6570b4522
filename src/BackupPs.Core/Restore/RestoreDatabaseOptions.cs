using BackupPs.Core.Commands;

namespace BackupPs.Core.Restore;

[Command("Restore", "Database", typeof(RestoreRecord), typeof(RestoreDatabaseHandler), Impact = CommandImpact.High,
    Synopsis = "Restores a proven backup into a new database, or replaces a database without ever destroying it first.",
    Description = """
        Restore-Database restores a backup made by Backup-Database into the container it came from
        (or -Container) under its own name (or -Database). Everything before the restore only reads:
        the manifest and the store are checked (a store others can write to is refused), the file's
        size against its manifest, the target's PostgreSQL version against the one that made the
        dump, and the environment guard: a backup of another environment is not restored into a prod
        target without -AllowCrossEnvironment, and never against the container's backupps.environment
        label.

        Without -Replace the target database must not exist; the backup is restored into a side
        database, every table's exact row count is checked against the manifest, and only then is it
        renamed into place. With -Replace the current database is first backed up into the store (a
        safety backup, unless -SkipSafetyBackup), the backup is restored beside it and verified, and
        one transaction swaps the names; the replaced copy is dropped last, or kept with
        -KeepPrevious. Any failure before the swap drops the side database and leaves the original
        untouched.

        It asks for confirmation before restoring (ConfirmImpact High; the CLI asks on a terminal and
        needs --force without one). -WhatIf prints the exact plan and changes nothing. Only one
        restore runs at a time on a database.
        """,
    OutputDescription = "One record per restore: target container, database and environment, mode (new or replace), the backup restored, times, the safety backup or the kept previous database, per-table row counts restored against recorded, and every error pg_restore or psql reported.")]
[Example(Title = "Check the latest prod backup by restoring it under another name",
    Code = "Get-Backup -Path /opt/backups -Environment prod -Database app -Latest | Restore-Database -Database app_check",
    Remarks = "Restores into a new database app_check in the container the backup was taken from; app itself is not touched. Drop app_check when done.",
    Cli = "backupps restore-database /opt/backups/prod/app/app-prod-20261121T020000Z.dump.zst --database app_check")]
[Example(Title = "Replace a broken prod database with last night's backup",
    Code = """
        Restore-Database -Path /opt/backups/prod/app/app-prod-20261121T020000Z.dump.zst -Replace -WhatIf
        Restore-Database -Path /opt/backups/prod/app/app-prod-20261121T020000Z.dump.zst -Replace -KeepPrevious
        """,
    Remarks = """
        The first line prints the plan (safety backup, side database, checks, swap) and changes
        nothing. The second asks for confirmation, takes a safety backup of the current app into
        /opt/backups, restores beside it, checks the row counts, swaps the names in one transaction
        and keeps the replaced copy as app_before_<UTC stamp>.
        """,
    Cli = """
        backupps restore-database /opt/backups/prod/app/app-prod-20261121T020000Z.dump.zst --replace --what-if
        backupps restore-database /opt/backups/prod/app/app-prod-20261121T020000Z.dump.zst --replace --keep-previous
        """)]
[Example(Title = "Refresh the dev database from a prod backup on a server without the prod roles",
    Code = "Restore-Database -Path /opt/backups/prod/app/app-prod-20261121T020000Z.dump.zst -Container knot-dev-db -TargetEnvironment dev -Replace -NoOwner -NoAcl -Role app_dev",
    Remarks = "Restores prod data into the dev container (unlabelled, so -TargetEnvironment says what it is), replacing its app database; -NoOwner, -NoAcl and -Role app_dev make app_dev own everything instead of the prod roles, which do not exist there.",
    Cli = "backupps restore-database /opt/backups/prod/app/app-prod-20261121T020000Z.dump.zst --container knot-dev-db --target-environment dev --replace --no-owner --no-acl --role app_dev")]
public sealed class RestoreDatabaseOptions
{
    [Option(Mandatory = true, Position = 0, IsPath = true, FromPipelineByPropertyName = true,
        Help = "Backup file to restore (pipe Get-Backup output).")]
    public string? Path { get; set; }

    [Option(Completion = CompletionSource.Container, Help = "Container to restore into. Default: the container the backup was taken from (its manifest), else, when compose recreated it under another name, its compose service's container.")]
    public string? Container { get; set; }

    [Option(Completion = CompletionSource.Database, Help = "Database to restore into. Default: the database the backup was taken from.")]
    public string? Database { get; set; }

    [Option(Help = "Replace the existing database: restore beside it, verify, swap the names, then drop the old copy.")]
    public bool Replace { get; set; }

    [Option(Help = "With -Replace: keep the replaced database as <name>_before_<UTC stamp> instead of dropping it.")]
    public bool KeepPrevious { get; set; }

    [Option(Completion = CompletionSource.Environment, Help = "Environment of the target (prod, dev...) when the container has no backupps.environment label and is not the backup's own source (by container id). Refused when it contradicts the label.")]
    public string? TargetEnvironment { get; set; }

    [Option(Help = "Allow a backup of another environment (dev, staging...) to be restored into a prod target. Never overrides the container's backupps.environment label.")]
    public bool AllowCrossEnvironment { get; set; }

    [Option(Help = "With -Replace: do not back up the database being replaced first (recorded in the output).")]
    public bool SkipSafetyBackup { get; set; }

    [Option(IsPath = true, Help = "Root folder of the store for the safety backup. Default: the store the restored backup lives in.")]
    public string? SafetyBackupPath { get; set; }

    [Option(Help = "Do not restore ownership: the restoring user (or -Role) owns everything. For servers without the original roles.")]
    public bool NoOwner { get; set; }

    [Option(Help = "Do not restore privileges (GRANT/REVOKE). For servers without the original roles.")]
    public bool NoAcl { get; set; }

    [Option(Help = "Role to restore as (SET ROLE); with -NoOwner it owns everything restored, mapping the dump's owners onto one role of this server.")]
    public string? Role { get; set; }

    [Option(Help = "Error classes that do not fail a custom-format restore (they are still listed): MissingRole, RoleMembership, NotOwner, AlreadyExists.")]
    public RestoreErrorClass[]? AcceptError { get; set; }

    [Option(Help = "Parallel COPY sessions and index-building jobs for custom-format backups, 1 to 64. Default 0: one per CPU, at most 4.")]
    public int Jobs { get; set; }

    [Option(Help = "PostgreSQL login for the target. Default: POSTGRES_USER / POSTGRES_PASSWORD of the container, or the secrets their *_FILE variants name.")]
    public DatabaseCredential? Credential { get; set; }
}
