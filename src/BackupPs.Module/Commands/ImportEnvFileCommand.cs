namespace BackupPs.Commands;

/// <summary>Import-EnvFile. Parameters, ProcessRecord and attributes are generated from
/// <see cref="Core.EnvFiles.ImportEnvFileOptions"/>: change the command there.</summary>
[GeneratedCmdlet(typeof(Core.EnvFiles.ImportEnvFileOptions))]
public sealed partial class ImportEnvFileCommand : BackupPsCmdlet;
