namespace BackupPs.Commands;

/// <summary>Get-Backup. Parameters, ProcessRecord and attributes are generated from
/// <see cref="Core.Catalog.GetBackupOptions"/>: change the command there.</summary>
[GeneratedCmdlet(typeof(Core.Catalog.GetBackupOptions))]
public sealed partial class GetBackupCommand : BackupPsCmdlet;
