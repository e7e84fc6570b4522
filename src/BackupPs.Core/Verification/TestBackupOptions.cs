using BackupPs.Core.Commands;

namespace BackupPs.Core.Verification;

[Command("Test", "Backup", typeof(TestBackupResult), typeof(TestBackupHandler),
    Synopsis = "Proves a backup file intact: hash, full decompression, archive structure and row counts against its manifest.")]
public sealed class TestBackupOptions
{
    [Option(Mandatory = true, Position = 0, IsPath = true, FromPipelineByPropertyName = true,
        Help = "Path of the backup file (pipe Get-Backup or Backup-Database output).")]
    public string? Path { get; set; }
}
