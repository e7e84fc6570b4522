namespace BackupPs.Commands;

/// <summary>Test-Backup. Parameters, ProcessRecord and attributes are generated from
/// <see cref="Core.Verification.TestBackupOptions"/>: change the command there.</summary>
[GeneratedCmdlet(typeof(Core.Verification.TestBackupOptions))]
public sealed partial class TestBackupCommand : BackupPsCmdlet;
