namespace BackupPs.Commands;

/// <summary>Restore-Database. Parameters, ProcessRecord and attributes are generated from
/// <see cref="Core.Restore.RestoreDatabaseOptions"/>: change the command there.</summary>
[GeneratedCmdlet(typeof(Core.Restore.RestoreDatabaseOptions))]
public sealed partial class RestoreDatabaseCommand : BackupPsCmdlet;
