using BackupPs.Core.Commands;

namespace BackupPs.Core.Restore;

[Command("Restore", "Database", typeof(RestoreRecord), typeof(RestoreDatabaseHandler), Impact = CommandImpact.High,
    Synopsis = "Restores a proven backup into a new database, or replaces a database without ever destroying it first.")]
public sealed class RestoreDatabaseOptions
{
    [Option(Mandatory = true, Position = 0, IsPath = true, FromPipeline = true, FromPipelineByPropertyName = true,
        Help = "The backup to restore: a backup file (pipe Get-Backup output), its manifest, or a folder holding exactly one backup.")]
    public string[]? Path { get; set; }

    [Option(Help = "Container to restore into. Default: the container the backup was taken from (its manifest), else, when compose recreated it under another name, its compose service's container.")]
    public string? Container { get; set; }

    [Option(Rule = OptionRule.PostgresName, Help = "Database to restore into. Default: the database the backup was taken from.")]
    public string? Database { get; set; }

    [Option(Help = "Replace the existing database: restore beside it, verify, swap the names, then drop the old copy.")]
    public bool Replace { get; set; }

    [Option(Requires = nameof(Replace), Help = "With -Replace: keep the replaced database as <name>_before_<UTC stamp> instead of dropping it.")]
    public bool KeepPrevious { get; set; }

    [Option(Rule = OptionRule.EnvironmentName, Help = "Environment of the target (prod, dev...) when the container has no backupps.environment label and is not the backup's own source (by container id). Refused when it contradicts the label.")]
    public string? TargetEnvironment { get; set; }

    [Option(Help = "Allow a backup of another environment (dev, staging...) to be restored into a prod target. Never overrides the container's backupps.environment label.")]
    public bool AllowCrossEnvironment { get; set; }

    [Option(Requires = nameof(Replace), Help = "With -Replace: do not back up the database being replaced first (recorded in the output).")]
    public bool SkipSafetyBackup { get; set; }

    [Option(IsPath = true, Requires = nameof(Replace), Excludes = nameof(SkipSafetyBackup), Help = "With -Replace, not with -SkipSafetyBackup: root folder of the store for the safety backup. Default: the store the restored backup lives in.")]
    public string? SafetyBackupPath { get; set; }

    [Option(Help = "Do not restore ownership: the restoring user (or -Role) owns everything. For servers without the original roles.")]
    public bool NoOwner { get; set; }

    [Option(Help = "Do not restore privileges (GRANT/REVOKE). For servers without the original roles.")]
    public bool NoAcl { get; set; }

    [Option(Rule = OptionRule.PostgresName, Help = "Role to restore as (SET ROLE); with -NoOwner it owns everything restored, mapping the dump's owners onto one role of this server.")]
    public string? Role { get; set; }

    [Option(ExcludedValues = new[] { nameof(RestoreErrorClass.Other) }, Help = "Error classes that do not fail a custom-format restore (they are still listed): MissingRole, RoleMembership, NotOwner, AlreadyExists.")]
    public RestoreErrorClass[]? AcceptError { get; set; }

    [Option(Minimum = 0, Maximum = RestoreSettings.MaxJobs, Help = "Parallel COPY sessions and index-building jobs for custom-format backups, 1 to 64. Default 0: one per CPU, at most 4.")]
    public int Jobs { get; set; }

    [Option(Help = "PostgreSQL login for the target. Default: POSTGRES_USER / POSTGRES_PASSWORD of the container, or the secrets their *_FILE variants name.")]
    public DatabaseCredential? Credential { get; set; }
}
