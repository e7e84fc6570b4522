using BackupPs.Module.Tests.Infrastructure;

namespace BackupPs.Module.Tests.Output;

/// <summary>
/// Get-Backup on a folder that exists but records no backups: no output, and a warning that names the folder and
/// what to check, so a script can tell "no backups" from a wrong folder. A missing folder stays an error.
/// </summary>
public sealed class EmptyStoreWarningTests : IDisposable
{
    private readonly ModuleSession _session = ModuleSession.Start();
    private readonly string _store = Directory.CreateTempSubdirectory("bps-empty-").FullName;

    public void Dispose()
    {
        _session.Dispose();
        Directory.Delete(_store, recursive: true);
    }

    [Fact]
    public void AFolderWithoutBackupsIsAWarningNamingIt()
    {
        // An environment folder, as a store has, but no backup in it.
        Directory.CreateDirectory(Path.Combine(_store, "prod", "app"));

        var result = _session.Invoke("Get-Backup -Path $args[0]", _store).AssertSucceeded();

        Assert.Empty(result.Output);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal($"No backups are recorded in {_store} (warnings name any entries that were skipped); pass the folder Backup-Database wrote to, or a backup file.", warning);
    }

    [Fact]
    public void AMissingFolderIsStillAnError()
    {
        var result = _session.Invoke("Get-Backup -Path $args[0]", Path.Combine(_store, "missing"));
        Assert.StartsWith("BackupRootNotFound,", Assert.Single(result.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Empty(result.Warnings);
    }
}
