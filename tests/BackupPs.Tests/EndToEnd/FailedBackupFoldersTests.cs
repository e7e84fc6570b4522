using BackupPs.Tests.Infrastructure;
using Xunit;
using static BackupPs.Tests.EndToEnd.BackupTestHelpers;

namespace BackupPs.Tests.EndToEnd;

/// <summary>
/// A backup that fails leaves the store as it found it: not only no file, but none of the &lt;store&gt;/&lt;env&gt;/&lt;db&gt;
/// folders it created for the backup, so a failed first run does not look like a store with an empty database folder.
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed class FailedBackupFoldersTests(SharedPostgresServer pg)
{
    [Fact]
    public void APgDumpFailureIntoAFreshStoreLeavesNoFolder()
    {
        pg.Psql("create database folders_denied", "postgres");
        pg.Psql("create role bps_folders login", "postgres");
        try
        {
            pg.Psql("create table private_t (x int)", "folders_denied");
            var parent = NewRoot();
            var store = Path.Combine(parent, "store");
            var result = BackupPsCli.Run(new Dictionary<string, string?> { ["BACKUPPS_PASSWORD"] = "unused" },
                "backup-database", "--container", pg.Name, "--database", "folders_denied", "--credential", "bps_folders", "--environment", "dev", "--path", store);

            Assert.True(result.ExitCode == 1 && result.Stderr.Contains("[PgDumpFailed]", StringComparison.Ordinal), result.ToString());
            Assert.Empty(Directory.GetFileSystemEntries(parent));
        }
        finally
        {
            pg.Psql("drop database if exists folders_denied with (force)", "postgres");
            pg.Psql("drop role if exists bps_folders", "postgres");
        }
    }

    [Fact]
    public void AMissingDatabaseLeavesAnExistingStoreAsItWas()
    {
        var store = NewRoot();
        Directory.CreateDirectory(Path.Combine(store, "prod", "other"));

        var result = BackupPsCli.Run("backup-database", "--container", pg.Name, "--database", "nope", "--environment", "prod", "--path", store);

        Assert.True(result.ExitCode == 1 && result.Stderr.Contains("[DatabaseNotFound]", StringComparison.Ordinal), result.ToString());
        Assert.Equal([Path.Combine(store, "prod"), Path.Combine(store, "prod", "other")], Directory.GetFileSystemEntries(store, "*", SearchOption.AllDirectories).Order());
    }

    [Fact]
    public void ADiskFullBackupLeavesNoFolder()
    {
        var mount = NewRoot();
        ProcessRunner.Bash($"mount -t tmpfs -o size=64k tmpfs '{mount}'");
        try
        {
            var result = BackupPsCli.Run("backup-database", "--container", pg.Name, "--environment", "prod", "--path", mount, "--compression", "Gzip", "--format", "Plain");

            Assert.True(result.ExitCode == 1 && result.Stderr.Contains("[DestinationFull]", StringComparison.Ordinal), result.ToString());
            Assert.Empty(Directory.GetFileSystemEntries(mount));
        }
        finally
        {
            ProcessRunner.Bash($"umount '{mount}'");
        }
    }
}
