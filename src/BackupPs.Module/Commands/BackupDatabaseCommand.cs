namespace BackupPs.Commands;

/// <summary>Backup-Database. Parameters, ProcessRecord and attributes are generated from
/// <see cref="Core.Database.BackupDatabaseOptions"/>: change the command there.</summary>
[GeneratedCmdlet(typeof(Core.Database.BackupDatabaseOptions))]
public sealed partial class BackupDatabaseCommand : BackupPsCmdlet;
