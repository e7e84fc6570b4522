namespace BackupPs.Commands;

/// <summary>Restore-Volume. Parameters, ProcessRecord and attributes are generated from
/// <see cref="Core.Volumes.RestoreVolumeOptions"/>: change the command there.</summary>
[GeneratedCmdlet(typeof(Core.Volumes.RestoreVolumeOptions))]
public sealed partial class RestoreVolumeCommand : BackupPsCmdlet;
