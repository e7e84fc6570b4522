using BackupPs.Tests.Infrastructure;
using Xunit;
using static BackupPs.Tests.EndToEnd.RestoreTestSupport;

namespace BackupPs.Tests.EndToEnd;

/// <summary>
/// Faults found by a fresh-eyes try of issue 9's kind 6 (try B): a store reached through a symbolic link is
/// usable (a normal setup: /backups -> /mnt/usb/backups), but who could have changed the path to it counts too.
/// </summary>
public sealed class StoreLinksTryBTests
{
    /// <summary>
    /// The store itself is safe (0700 folders), but the link that leads to it lies in a folder every user can write
    /// (mode 0777, not sticky): any user can point the link at a store of their own between listing and restoring, so
    /// the backup restored is whatever they planted. The folders of the path as given are checked no less than the
    /// folders the link leads to (a 0777 folder above the link's target is refused already).
    /// </summary>
    [Fact]
    public async Task ALinkToTheStoreInAFolderEveryoneCanWriteIsRefusedForARestore()
    {
        await using var pg = new PostgresContainer(scale: 0);
        await pg.InitializeAsync();
        pg.Psql("create table t (id int); insert into t values (1), (2)");
        var path = BackupOf(pg, PostgresContainer.DatabaseName);
        var root = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(path)))!;
        var open = BackupTestHelpers.NewRoot();
        File.SetUnixFileMode(open, (UnixFileMode)0b111_111_111);
        var link = Path.Combine(open, "backups");
        File.CreateSymbolicLink(link, root);
        var throughLink = Path.Combine(link, Path.GetRelativePath(root, path));

        var restore = RunRestore(throughLink, "--database", "app_through_link");

        Fails("BackupStoreUnsafe", restore);
        Assert.Contains(open, restore.Stderr);
        Assert.DoesNotContain("app_through_link", Databases(pg));
    }
    /// <summary>
    /// Backup-Database writes through a link to a folder inside the store (store/dev -> a folder on another disk) and
    /// reports success, but Get-Backup does not follow that link (a warning), so the backup it just made is not in the
    /// catalog: a nightly job succeeds while get-backup --latest finds nothing. What a backup writes and reports must be
    /// what the listing shows: either it refuses to write through the link, or the listing includes it.
    /// </summary>
    [Fact]
    public async Task ABackupThatSucceedsIsListedByGetBackup()
    {
        await using var pg = new PostgresContainer(scale: 0);
        await pg.InitializeAsync();
        var root = BackupTestHelpers.NewRoot();
        var elsewhere = BackupTestHelpers.NewRoot();
        var environmentFolder = Path.Combine(elsewhere, "dev");
        Directory.CreateDirectory(environmentFolder);
        File.CreateSymbolicLink(Path.Combine(root, "dev"), environmentFolder);

        var backup = BackupPsCli.Run("backup-database", "--container", pg.Name, "--path", root, "--environment", "dev", "--json");
        if (backup.ExitCode != 0)
        {
            return; // refusing to write through the link is one right answer
        }

        var written = Assert.Single(BackupPsCli.JsonLines(backup)).GetProperty("Path").GetString();
        var listing = BackupPsCli.Run("get-backup", root, "--environment", "dev", "--latest", "--json");
        Assert.True(listing.ExitCode == 0, listing.ToString());
        Assert.Equal(written, Assert.Single(BackupPsCli.JsonLines(listing)).GetProperty("Path").GetString());
    }
}
