namespace BackupPs.Commands;

/// <summary>Export-EnvFile (alias Export-EnvFiles). Parameters, ProcessRecord/EndProcessing and attributes are generated from
/// <see cref="Core.EnvFiles.ExportEnvFileOptions"/>: change the command there.</summary>
[GeneratedCmdlet(typeof(Core.EnvFiles.ExportEnvFileOptions))]
public sealed partial class ExportEnvFileCommand : BackupPsCmdlet;
