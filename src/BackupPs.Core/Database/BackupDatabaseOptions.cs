using BackupPs.Core.Catalog;
using BackupPs.Core.Commands;
using BackupPs.Core.Compression;

namespace BackupPs.Core.Database;

[Command("Backup", "Database", typeof(BackupRecord), typeof(BackupDatabaseHandler),
    Impact = CommandImpact.Medium, DefaultParameterSet = "Container",
    Synopsis = "Dumps a PostgreSQL database from its Docker container, proves the dump, and stores it with a manifest.")]
public sealed class BackupDatabaseOptions
{
    [Option(Mandatory = true, Position = 0, ParameterSet = "Container", FromPipelineByPropertyName = true,
        Help = "Name or id of the running PostgreSQL container.")]
    public string? Container { get; set; }

    [Option(Mandatory = true, ParameterSet = "Compose", FromPipelineByPropertyName = true,
        Help = "docker compose project of the database service (label com.docker.compose.project).")]
    public string? ComposeProject { get; set; }

    [Option(Mandatory = true, ParameterSet = "Compose", FromPipelineByPropertyName = true,
        Help = "docker compose service of the database (label com.docker.compose.service).")]
    public string? ComposeService { get; set; }

    [Option(FromPipelineByPropertyName = true,
        Rule = OptionRule.PostgresName,
        Help = "Database to dump. Default: the one the container's image created: POSTGRES_DB (or POSTGRES_DB_FILE), else its POSTGRES_USER.")]
    public string? Database { get; set; }

    [Option(Mandatory = true, FromPipelineByPropertyName = true, Rule = OptionRule.EnvironmentName,
        Help = "Environment the database belongs to (prod, dev, staging...). Names the folder and every file. Refused when it contradicts the container's backupps.environment label.")]
    public string? Environment { get; set; }

    [Option(IsPath = true, FromPipelineByPropertyName = true,
        Help = "Backup store folder, created when missing; a backup file (a piped record's Path) means the store it lives in. Default: ./backups")]
    public string? Path { get; set; } = BackupNames.DefaultRoot;

    [Option(Help = "Dump format: Custom (pg_restore, default) or Plain (SQL for psql).")]
    public BackupFormat Format { get; set; } = BackupFormat.Custom;

    [Option(Help = "Compression of the stored file: Zstd (default; the system libzstd) or Gzip (used instead when libzstd is missing).")]
    public CompressionKind? Compression { get; set; }

    [Option(Help = "PostgreSQL login. Default: POSTGRES_USER / POSTGRES_PASSWORD of the container, or the secrets their *_FILE variants name.")]
    public DatabaseCredential? Credential { get; set; }
}
