namespace BackupPs.Commands;

/// <summary>Restore-Directory. Parameters, ProcessRecord and attributes are generated from
/// <see cref="Core.Directories.RestoreDirectoryOptions"/>: change the command there.</summary>
[GeneratedCmdlet(typeof(Core.Directories.RestoreDirectoryOptions))]
public sealed partial class RestoreDirectoryCommand : BackupPsCmdlet;
