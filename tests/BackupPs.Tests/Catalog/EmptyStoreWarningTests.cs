using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.Catalog;

/// <summary>backupps get-backup on an existing folder without backups: nothing on stdout, a warning on stderr, exit 0.</summary>
public sealed class EmptyStoreWarningTests : IDisposable
{
    private readonly string _store = Directory.CreateTempSubdirectory("bps-empty-cli-").FullName;

    public void Dispose() => Directory.Delete(_store, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AFolderWithoutBackupsIsAWarningOnStderr(bool json)
    {
        Directory.CreateDirectory(Path.Combine(_store, "prod"));

        var result = json ? BackupPsCli.Run("get-backup", "--path", _store, "--json") : BackupPsCli.Run("get-backup", "--path", _store);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(result.Stdout);
        Assert.Equal($"WARNING: No backups are recorded in {_store} (warnings name any entries that were skipped); pass the folder backupps backup-database wrote to, or a backup file.",
            result.Stderr.Trim());
    }
}
