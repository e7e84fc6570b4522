using BackupPs.Core.Commands;

namespace BackupPs.Core.Catalog;

[Command("Get", "Backup", typeof(BackupRecord), typeof(GetBackupHandler),
    Synopsis = "Lists the backups recorded under a backup root, newest last, from their manifests.")]
public sealed class GetBackupOptions
{
    [Option(Position = 0, IsPath = true, FromPipeline = true, FromPipelineByPropertyName = true,
        Help = "Backup store folders (or parts of one), or backup files. Default: ./backups")]
    public string[]? Path { get; set; } = [BackupNames.DefaultRoot];

    [Option(FromPipelineByPropertyName = true, Rule = OptionRule.EnvironmentName, Help = "Only backups of this environment.")]
    public string? Environment { get; set; }

    [Option(FromPipelineByPropertyName = true, Rule = OptionRule.PostgresName, Help = "Only backups of this database.")]
    public string? Database { get; set; }

    [Option(Help = "Only backups of this kind (Database).")]
    public BackupKind? Kind { get; set; }

    [Option(Help = "Only backups started at or after this time.")]
    public DateTimeOffset? Since { get; set; }

    [Option(Help = "Only the newest backup of each environment, database and kind.")]
    public bool Latest { get; set; }
}
