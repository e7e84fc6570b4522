namespace BackupPs.Commands;

/// <summary>Backup-Directory. Parameters, ProcessRecord and attributes are generated from
/// <see cref="Core.Directories.BackupDirectoryOptions"/>: change the command there.</summary>
[GeneratedCmdlet(typeof(Core.Directories.BackupDirectoryOptions))]
public sealed partial class BackupDirectoryCommand : BackupPsCmdlet;
