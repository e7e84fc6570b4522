namespace BackupPs.Commands;

/// <summary>Backup-Volume. Parameters, ProcessRecord and attributes are generated from
/// <see cref="Core.Volumes.BackupVolumeOptions"/>: change the command there.</summary>
[GeneratedCmdlet(typeof(Core.Volumes.BackupVolumeOptions))]
public sealed partial class BackupVolumeCommand : BackupPsCmdlet;
