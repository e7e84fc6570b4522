using BackupPs.Core.Commands;

namespace BackupPs.Core.Verification;

[Command("Test", "Backup", typeof(TestBackupResult), typeof(TestBackupHandler), Impact = CommandImpact.Medium,
    Synopsis = "Proves a backup: hash, full decompression, structure and row counts against its manifest; with -Restore, a full restore drill.")]
public sealed class TestBackupOptions
{
    [Option(Mandatory = true, Position = 0, IsPath = true, FromPipeline = true, FromPipelineByPropertyName = true,
        Help = "Backups to test: backup files (pipe Get-Backup or Backup-Database output), their manifests, or store folders (every backup in them).")]
    public string[]? Path { get; set; }

    [Option(Help = "Restore drill: restore into a throwaway database, compare exact row counts with the manifest, check Prisma migrations and -Query, then drop it.")]
    public bool Restore { get; set; }

    [Option(Requires = nameof(Restore), Help = "With -Restore: restore into a throwaway container started from the source's image instead of a database in the target server.")]
    public bool Isolated { get; set; }

    [Option(Requires = nameof(Restore), Excludes = nameof(Isolated), Help = "With -Restore, not with -Isolated: the container to drill in. Default: the container the backup was taken from, else, when compose recreated it under another name, its compose service's container, which must then be labelled backupps.environment with the backup's environment. A container labelled with another environment is refused.")]
    public string? Container { get; set; }

    [Option(Requires = nameof(Restore), Help = "With -Restore: SQL run in the restored database; its single value must equal -Expected.")]
    public string? Query { get; set; }

    [Option(Requires = nameof(Restore), AllowEmpty = true, Help = "With -Restore: what -Query must return (psql's unaligned text, e.g. 42 or t). Default: t (true).")]
    public string? Expected { get; set; }

    [Option(Requires = nameof(Restore), Excludes = nameof(Isolated), Help = "With -Restore, not with -Isolated: PostgreSQL login for the drill. Default: POSTGRES_USER / POSTGRES_PASSWORD of the container, or the secrets their *_FILE variants name.")]
    public DatabaseCredential? Credential { get; set; }
}
