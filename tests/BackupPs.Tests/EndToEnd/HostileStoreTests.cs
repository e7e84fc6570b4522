using System.Text.Json.Nodes;
using BackupPs.Core.Catalog;
using BackupPs.Tests.Infrastructure;
using Xunit;
using static BackupPs.Tests.EndToEnd.BackupTestHelpers;
using static BackupPs.Tests.EndToEnd.RestoreTestSupport;

namespace BackupPs.Tests.EndToEnd;

/// <summary>
/// Stores that lie: edited manifests, links, FIFOs and devices where backups belong, huge manifests, folders
/// others may write. get-backup skips what it cannot trust and lists the rest: a manifest it cannot read and a link,
/// FIFO or device where a backup or manifest belongs with an error line (exit 1), a pair renamed or moved by hand with
/// a warning; test-backup and
/// restore-database refuse with one clear line, before anything is written or any server is touched.
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed class HostileStoreTests(SharedPostgresServer pg)
{
    /// <summary>Long enough for a slow machine, short enough that a hang fails the test instead of the run.</summary>
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(90);

    [Fact]
    public void AnEnvironmentThatClimbsOutOfTheStoreIsRefusedBeforeAnythingIsWritten()
    {
        var (root, path) = NewStore();
        // Enough ".." to reach / from any working directory, then a unique folder in /tmp: where the replace's
        // safety backup (and its manifest) went before, as /esc in the report.
        var escape = Path.Combine(Path.GetTempPath(), "bps-esc-" + Guid.NewGuid().ToString("N")[..8]);
        EditManifest(path, m => m["Environment"] = string.Concat(Enumerable.Repeat("../", 16)) + escape.TrimStart('/'));
        var before = Files(root);

        var restore = Fails("ManifestInvalid", RunRestore(path, "--replace"));
        Assert.Contains("field Environment", restore.Stderr);
        Assert.Contains(BackupNames.ManifestPathFor(path), restore.Stderr);
        var test = BackupPsCli.RunWithin(NoHang, "test-backup", path, "--restore", "--json");
        Assert.Equal(1, test.ExitCode);
        Assert.Contains("field Environment", test.Stderr);
        ListsNothingError("ManifestInvalid", "field Environment", root);

        Assert.Empty(Directory.GetFileSystemEntries(Path.GetTempPath(), Path.GetFileName(escape) + "*"));
        Assert.Equal(before, Files(root));
        NoScratchDatabases(pg);
    }

    [Fact]
    public void AManifestThatDescribesAnotherFileOrLiesInAnotherFolderIsNotTrusted()
    {
        // The pair renamed to the next claim's name: the manifest still describes the first name.
        var (root, path) = NewStore();
        var renamed = path.Replace("Z.dump.zst", "Z-2.dump.zst", StringComparison.Ordinal);
        File.Move(path, renamed);
        File.Move(BackupNames.ManifestPathFor(path), BackupNames.ManifestPathFor(renamed));
        Assert.Contains("describes", Fails("BackupFileRenamed", RunRestore(renamed, "--database", "app_renamed")).Stderr);
        ListsNothingWarning("shares its backup's name", root);

        // A prod backup filed under dev/ would be listed as dev's (and picked by -Environment dev -Latest).
        var (other, prod) = NewStore();
        var dev = Path.Combine(other, "dev", "app");
        Directory.CreateDirectory(dev);
        File.Move(prod, Path.Combine(dev, Path.GetFileName(prod)));
        File.Move(BackupNames.ManifestPathFor(prod), BackupNames.ManifestPathFor(Path.Combine(dev, Path.GetFileName(prod))));
        ListsNothingWarning("belongs in prod/app", other, "--environment", "dev");
        NoScratchDatabases(pg);
    }

    [Fact]
    public void SymbolicLinksWhereBackupsBelongAreRefusedAndNeverFollowed()
    {
        var (root, path) = NewStore();
        var outside = Path.Combine(NewRoot(), Path.GetFileName(path));
        File.Move(path, outside);
        File.CreateSymbolicLink(path, outside);

        Assert.Contains("symbolic link to " + outside, Fails("StoreFileNotRegular", RunRestore(path, "--database", "app_link")).Stderr);
        Fails("StoreFileNotRegular", BackupPsCli.RunWithin(NoHang, "test-backup", path));
        ListsNothingError("StoreFileNotRegular", "symbolic link", root);

        // A manifest that is a link to a device: never read (reading /dev/zero would never end).
        var (devices, device) = NewStore();
        var manifest = BackupNames.ManifestPathFor(device);
        File.Delete(manifest);
        File.CreateSymbolicLink(manifest, "/dev/zero");
        ListsNothingError("StoreFileNotRegular", "symbolic link to /dev/zero", devices);
        var test = BackupPsCli.RunWithin(NoHang, "test-backup", device, "--json");
        Assert.Equal(1, test.ExitCode);
        Assert.Contains("symbolic link to /dev/zero", test.Stderr);

        // A link to a folder inside a database's folder is not followed: BackupPs creates no folders there.
        var (linked, elsewhere) = NewStore();
        var folder = Path.GetDirectoryName(elsewhere)!;
        var target = Path.Combine(NewRoot(), "app");
        Directory.CreateDirectory(target);
        File.Move(elsewhere, Path.Combine(target, Path.GetFileName(elsewhere)));
        File.Move(BackupNames.ManifestPathFor(elsewhere), BackupNames.ManifestPathFor(Path.Combine(target, Path.GetFileName(elsewhere))));
        Directory.CreateSymbolicLink(Path.Combine(folder, "more"), target);
        ListsNothingWarning($"symbolic link to a folder ({target}) inside a backup's folder", linked);
        NoScratchDatabases(pg);
    }

    [Fact]
    public void AFifoNamedLikeABackupOrManifestNeverHangs()
    {
        var (root, path) = NewStore();
        File.Delete(path);
        Assert.Equal(0, ProcessRunner.Run("mkfifo", [path]).ExitCode);

        Assert.Contains("FIFO", Fails("StoreFileNotRegular", BackupPsCli.RunWithin(NoHang, "test-backup", path)).Stderr);
        Assert.Contains("FIFO", Fails("StoreFileNotRegular", BackupPsCli.RunWithin(NoHang, "restore-database", path, "--database", "app_fifo", "--force")).Stderr);
        ListsNothingError("StoreFileNotRegular", "FIFO", root);

        var (fifos, backup) = NewStore();
        var manifest = BackupNames.ManifestPathFor(backup);
        File.Delete(manifest);
        Assert.Equal(0, ProcessRunner.Run("mkfifo", [manifest]).ExitCode);
        ListsNothingError("StoreFileNotRegular", "FIFO", fifos);
        var test = BackupPsCli.RunWithin(NoHang, "test-backup", backup, "--json");
        Assert.Equal(1, test.ExitCode);
        Assert.Contains("FIFO", test.Stderr);
        NoScratchDatabases(pg);
    }

    [Fact]
    public void AHugeManifestIsSkippedAndTheRestIsListed()
    {
        var (root, path) = NewStore();
        var (_, other) = NewStore();
        while (Path.GetFileName(other) == Path.GetFileName(path))
        {
            // Made in the same second: the copy needs a name of its own beside the first.
            (_, other) = NewStore();
        }

        var copy = Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileName(other));
        File.Copy(other, copy);
        // Valid JSON (trailing whitespace is allowed), so only the size gives it away.
        File.WriteAllText(BackupNames.ManifestPathFor(copy), File.ReadAllText(BackupNames.ManifestPathFor(other)) + new string(' ', 17 << 20));

        var listing = BackupPsCli.RunWithin(NoHang, "get-backup", root, "--json");
        Assert.True(listing.ExitCode == 1, listing.ToString());
        Assert.Equal(path, Assert.Single(BackupPsCli.JsonLines(listing)).GetProperty("Path").GetString());
        Assert.Contains("larger than 16 MiB", listing.Stderr);
        Assert.Contains("[ManifestInvalid]", listing.Stderr);
        Assert.Contains("[ManifestInvalid]", Fails("ManifestInvalid", RunRestore(copy, "--database", "app_huge")).Stderr);
    }

    [Fact]
    public void AStoreEveryoneCanWriteIsNotRestoredFromAndOnlyWarnedAboutWhenRead()
    {
        var (root, path) = NewStore();
        var folder = Path.GetDirectoryName(path)!;
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_111_111);

        var restore = Fails("BackupStoreUnsafe", RunRestore(path, "--replace"));
        Assert.Contains($"{folder} is writable by every user (mode 0777)", restore.Stderr);
        Fails("BackupStoreUnsafe", BackupPsCli.RunWithin(NoHang, "test-backup", path, "--restore"));
        var test = BackupPsCli.RunWithin(NoHang, "test-backup", path, "--json");
        Assert.True(test.ExitCode == 0, test.ToString());
        Assert.Contains("WARNING:", test.Stderr);
        Assert.Contains("writable by every user", test.Stderr);
        var listing = BackupPsCli.Run("get-backup", root, "--json");
        Assert.Equal(path, Assert.Single(BackupPsCli.JsonLines(listing)).GetProperty("Path").GetString());
        Assert.Contains("writable by every user", listing.Stderr);

        // The same for the manifest itself.
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(BackupNames.ManifestPathFor(path), (UnixFileMode)0b110_110_110);
        Assert.Contains("manifest.json is writable by every user", Fails("BackupStoreUnsafe", RunRestore(path, "--replace")).Stderr);
        NoScratchDatabases(pg);
    }

    [Fact]
    public void AGroupWritableOrForeignStoreIsWarnedAbout()
    {
        // Group-writable: common and often harmless (private user groups), so a warning, also when restoring.
        var (root, path) = NewStore();
        File.SetUnixFileMode(root, (UnixFileMode)0b111_111_101);
        var listing = BackupPsCli.Run("get-backup", root, "--json");
        Assert.Single(BackupPsCli.JsonLines(listing));
        Assert.Contains($"{root} is writable by its group (mode 0775)", listing.Stderr);
        var plan = BackupPsCli.Run("restore-database", path, "--database", "app_group", "--what-if");
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains("writable by its group", plan.Stderr);

        // Owned by another user: root restoring its operator's store is an everyday case, so a warning.
        var (foreign, backup) = NewStore();
        Assert.Equal(0, ProcessRunner.Run("chown", ["-R", "65534", foreign]).ExitCode);
        listing = BackupPsCli.Run("get-backup", foreign, "--json");
        Assert.Single(BackupPsCli.JsonLines(listing));
        Assert.Contains($"{foreign} belongs to user 65534", listing.Stderr);
        var test = BackupPsCli.RunWithin(NoHang, "test-backup", backup, "--json");
        Assert.True(test.ExitCode == 0, test.ToString());
        Assert.Contains("belongs to user 65534", test.Stderr);
        NoScratchDatabases(pg);
    }

    /// <summary>get-backup lists nothing and fails (exit 1) with one error line of <paramref name="errorId"/> that says <paramref name="text"/>.</summary>
    private static void ListsNothingError(string errorId, string text, params string[] store)
    {
        var listing = BackupPsCli.RunWithin(NoHang, ["get-backup", .. store, "--json"]);
        Assert.True(listing.ExitCode == 1, listing.ToString());
        Assert.Empty(listing.Stdout.Trim());
        var error = Assert.Single(listing.Stderr.Split('\n'), l => l.StartsWith("backupps: ", StringComparison.Ordinal));
        Assert.EndsWith($"[{errorId}]", error.TrimEnd());
        Assert.Contains(text, error);
    }

    /// <summary>get-backup succeeds, lists nothing, and warns with <paramref name="warning"/>.</summary>
    private static void ListsNothingWarning(string warning, params string[] store)
    {
        var listing = BackupPsCli.RunWithin(NoHang, ["get-backup", .. store, "--json"]);
        Assert.True(listing.ExitCode == 0, listing.ToString());
        Assert.Empty(listing.Stdout.Trim());
        Assert.Contains("WARNING:", listing.Stderr);
        Assert.Contains(warning, listing.Stderr);
    }

    /// <summary>A real backup of app (prod) in a fresh store: (root, backup path).</summary>
    private (string Root, string Path) NewStore()
    {
        var root = NewRoot();
        return (root, Backup(pg, root).GetProperty("Path").GetString()!);
    }

    private static void EditManifest(string backupPath, Action<JsonObject> edit)
    {
        var manifestPath = BackupNames.ManifestPathFor(backupPath);
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        edit(manifest);
        File.WriteAllText(manifestPath, manifest.ToJsonString());
    }
}
