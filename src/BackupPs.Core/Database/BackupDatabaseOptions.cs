using BackupPs.Core.Catalog;
using BackupPs.Core.Commands;
using BackupPs.Core.Compression;

namespace BackupPs.Core.Database;

[Command("Backup", "Database", typeof(BackupRecord), typeof(BackupDatabaseHandler),
    Impact = CommandImpact.Medium, DefaultParameterSet = "Container",
    Synopsis = "Dumps a PostgreSQL database from its Docker container, proves the dump, and stores it with a manifest.",
    Description = """
        Backup-Database finds the database container (by -Container, or by the docker compose labels
        of -ComposeProject and -ComposeService), refuses one that is not running and ready, and
        proves the login and the database with psql inside it before anything is written. pg_dump
        then runs inside the container (custom format by default, plain SQL with -Format Plain); the
        login travels in the exec environment, never in argv.

        The dump is streamed through a parser that walks the whole archive and counts every table's
        rows, compressed (zstd, or gzip), hashed (SHA-256) and written to a temporary .partial file.
        It is accepted only when pg_dump succeeded, the archive is complete, and a full read-back of
        the written file (hash, decompression, structure, row counts) agrees. Only then is it renamed
        into place, never overwriting, next to a versioned manifest. On any failure or Ctrl+C the
        partial file is removed: a failure never leaves a file that looks like a backup.

        Files are named <root>/<environment>/<database>/<database>-<environment>-<UTC stamp>.<dump|sql>.<zst|gz>.
        A container labelled backupps.environment is only backed up as that environment, so prod data
        is never filed under dev. -WhatIf shows what would be dumped and where, without dumping.
        """,
    OutputDescription = "One record for the backup written: its file and manifest, environment, database, source container and image, format, compression, sizes, SHA-256, times and exact per-table row counts.")]
[Example(Title = "Back up the database service of a compose project",
    Code = "Backup-Database -ComposeProject knot -ComposeService db -Environment prod -Path /opt/backups",
    Remarks = """
        Finds the running container of service db in compose project knot, dumps the database its
        image created (POSTGRES_DB, else POSTGRES_USER) with the container's own login, and stores
        /opt/backups/prod/<database>/<database>-prod-<UTC stamp>.dump.zst with its manifest.

        The nightly cron job on the Pi runs the CLI form, from /etc/cron.d/backupps:

            0 2 * * * root backupps backup-database --compose-project knot --compose-service db --environment prod --path /opt/backups >> /var/log/backupps.log 2>&1
        """,
    Cli = "backupps backup-database --compose-project knot --compose-service db --environment prod --path /opt/backups")]
[Example(Title = "Back up a dev container as plain SQL with gzip",
    Code = "Backup-Database -Container knot-dev-db -Environment dev -Path /opt/backups -Format Plain -Compression Gzip",
    Remarks = "A plain SQL dump (restorable with psql alone) compressed with gzip: /opt/backups/dev/<database>/<database>-dev-<UTC stamp>.sql.gz.",
    Cli = "backupps backup-database --container knot-dev-db --environment dev --path /opt/backups --format Plain --compression Gzip")]
[Example(Title = "See what would be backed up, then back up one named database with another login",
    Code = """
        Backup-Database -Container knot-db -Environment prod -Database reports -Path /opt/backups -WhatIf
        Backup-Database -Container knot-db -Environment prod -Database reports -Path /opt/backups -Credential (Get-Credential backup)
        """,
    Remarks = "-WhatIf prints the plan and writes nothing. -Credential logs in as backup instead of the container's POSTGRES_USER; in the CLI the password comes from the BACKUPPS_PASSWORD environment variable, never from the command line.",
    Cli = """
        backupps backup-database --container knot-db --environment prod --database reports --path /opt/backups --what-if
        backupps backup-database --container knot-db --environment prod --database reports --path /opt/backups --credential backup
        """)]
public sealed class BackupDatabaseOptions
{
    [Option(Mandatory = true, Position = 0, ParameterSet = "Container", FromPipelineByPropertyName = true, Completion = CompletionSource.Container,
        Help = "Name or id of the running PostgreSQL container.")]
    public string? Container { get; set; }

    [Option(Mandatory = true, ParameterSet = "Compose", FromPipelineByPropertyName = true, Completion = CompletionSource.ComposeProject,
        Help = "docker compose project of the database service (label com.docker.compose.project).")]
    public string? ComposeProject { get; set; }

    [Option(Mandatory = true, ParameterSet = "Compose", FromPipelineByPropertyName = true, Completion = CompletionSource.ComposeService,
        Help = "docker compose service of the database (label com.docker.compose.service).")]
    public string? ComposeService { get; set; }

    [Option(FromPipelineByPropertyName = true, Completion = CompletionSource.Database,
        Help = "Database to dump. Default: the one the container's image created: POSTGRES_DB (or POSTGRES_DB_FILE), else its POSTGRES_USER.")]
    public string? Database { get; set; }

    [Option(Mandatory = true, FromPipelineByPropertyName = true, Completion = CompletionSource.Environment,
        Help = "Environment the database belongs to (prod, dev, staging...). Names the folder and every file. Refused when it contradicts the container's backupps.environment label.")]
    public string? Environment { get; set; }

    [Option(IsPath = true, Help = "Root folder of the backup store. Default: ./backups")]
    public string? Path { get; set; } = BackupNames.DefaultRoot;

    [Option(Help = "Dump format: Custom (pg_restore, default) or Plain (SQL for psql).")]
    public BackupFormat Format { get; set; } = BackupFormat.Custom;

    [Option(Help = "Compression of the stored file: Zstd (default; the system libzstd) or Gzip (used instead when libzstd is missing).")]
    public CompressionKind? Compression { get; set; }

    [Option(Help = "PostgreSQL login. Default: POSTGRES_USER / POSTGRES_PASSWORD of the container, or the secrets their *_FILE variants name.")]
    public DatabaseCredential? Credential { get; set; }
}
