using BackupPs.Core.Catalog;
using BackupPs.Core.Files;
using BackupPs.Core.Verification;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.FileSets;

/// <summary>
/// Test-Backup on file sets, in-process: a flipped byte, a missing entry, an extra entry and a broken chain each fail with
/// the check that names them (and a BackupTestFailed error); -Restore drills into a throwaway folder that is gone
/// afterwards; the database drill's options are refused for a file set; a volume drill is not supported yet.
/// </summary>
public sealed class TestBackupFileSetTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bps-testfs-").FullName;

    public void Dispose() => TreeRemoval.Remove(_root);

    private string Folder => BackupNames.FolderFor(Path.Combine(_root, "store"), TestArtifact.Environment, BackupKind.Directory, "certs");

    private static readonly TestEntry[] Tree = [TestArtifact.Folder("."), TestArtifact.File("a.txt", "alpha"), TestArtifact.Folder("empty"), TestArtifact.Symlink("b", "a.txt")];

    private static async Task<(TestBackupResult? Result, RecordingHost Host)> Run(TestBackupOptions options)
    {
        var host = new RecordingHost();
        await new TestBackupHandler().ExecuteAsync(options, host, CancellationToken.None);
        return (host.Output.OfType<TestBackupResult>().SingleOrDefault(), host);
    }

    private static BackupCheck Check(TestBackupResult result, string name) => result.Checks.Single(c => c.Name == name);

    [Fact]
    public async Task An_intact_backup_passes_with_its_kind_and_name()
    {
        var backup = TestArtifact.Write(Folder, Tree);

        var (result, host) = await Run(new TestBackupOptions { Path = [backup.Path] });

        Assert.True(result!.Passed, string.Join("; ", result.Checks));
        Assert.Equal((BackupKind.Directory, "certs", null), (result.Kind, result.Name, result.Database));
        Assert.Equal(["Manifest", "FileName", "Size", "Sha256", "Decompression", "Entries", "Chain"], result.Checks.Select(c => c.Name));
        Assert.Empty(host.Errors);
    }

    [Fact]
    public async Task A_flipped_byte_fails()
    {
        var backup = TestArtifact.Write(Folder, Tree);
        var bytes = File.ReadAllBytes(backup.Path);
        bytes[bytes.Length / 2] ^= 0x04;
        File.WriteAllBytes(backup.Path, bytes);

        var (result, host) = await Run(new TestBackupOptions { Path = [backup.Path] });

        Assert.False(result!.Passed);
        Assert.False(Check(result, "Sha256").Passed);
        Assert.Equal("BackupTestFailed", Assert.Single(host.Errors).ErrorId);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("extra")]
    public async Task A_missing_or_extra_entry_fails_the_entries(string spoilt)
    {
        var backup = TestArtifact.Write(Folder, Tree, writeTar: tar =>
        {
            foreach (var entry in Tree.Where(e => spoilt != "missing" || e.Entry.Path != "empty"))
            {
                TestArtifact.WriteEntry(tar, entry);
            }

            if (spoilt == "extra")
            {
                TestArtifact.WriteEntry(tar, TestArtifact.File("planted", "x"));
            }
        });

        var (result, _) = await Run(new TestBackupOptions { Path = [backup.Path] });

        Assert.False(Check(result!, "Entries").Passed);
        Assert.Contains(spoilt == "missing" ? "empty is recorded but not in the tar" : "planted is in the tar but not in the manifest", Check(result!, "Entries").Detail);
    }

    [Fact]
    public async Task A_broken_chain_fails()
    {
        var full = TestArtifact.Write(Folder, Tree);
        var incremental = TestArtifact.Write(Folder, Tree.Select(e => e.Entry.Type == FileEntryType.File ? e with { Entry = e.Entry with { StoredIn = full.Manifest.FileName } } : e).ToList(),
            started: TestArtifact.Started.AddDays(1), baseFileName: full.Manifest.FileName);
        File.Delete(full.Path);

        var (result, _) = await Run(new TestBackupOptions { Path = [incremental.Path] });

        Assert.False(Check(result!, "Chain").Passed);
        Assert.True(Check(result!, "Entries").Passed);
    }

    [Fact]
    public async Task A_drill_restores_into_a_throwaway_folder_compares_and_removes_it()
    {
        var backup = TestArtifact.Write(Folder, Tree);

        var (result, host) = await Run(new TestBackupOptions { Path = [backup.Path], Restore = true });

        Assert.True(result!.Passed, string.Join("; ", result.Checks));
        Assert.True(Check(result, "Restore").Passed);
        Assert.True(Check(result, "Compare").Passed);
        Assert.NotNull(result.RestoreDuration);
        Assert.StartsWith(Path.Combine(Path.GetTempPath(), "backupps-drill-certs-"), result.RestoredInto);
        Assert.False(Path.Exists(Path.GetDirectoryName(result.RestoredInto)));
        Assert.Contains(host.Confirmations, c => c.Action.Contains("throwaway folder", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_drill_of_a_damaged_backup_restores_nothing()
    {
        var backup = TestArtifact.Write(Folder, Tree, spoilTar: tar => [.. tar, 1, 2, 3]);

        var (result, _) = await Run(new TestBackupOptions { Path = [backup.Path], Restore = true });

        Assert.False(result!.Passed);
        Assert.Contains("not attempted", Check(result, "Restore").Detail);
        Assert.Null(result.RestoredInto);
    }

    [Fact]
    public async Task The_database_drill_options_are_refused_for_a_file_set()
    {
        var backup = TestArtifact.Write(Folder, Tree);

        var (result, host) = await Run(new TestBackupOptions { Path = [backup.Path], Restore = true, Query = "select 1", Container = "db" });

        Assert.Null(result);
        var error = Assert.Single(host.Errors);
        Assert.Equal(TestBackupHandler.DatabaseDrillOptionErrorId, error.ErrorId);
        Assert.Contains("-Container, -Query", error.Message);
    }

    [Fact]
    public async Task A_volume_backup_is_checked_but_not_drilled_yet()
    {
        var volume = TestArtifact.Write(BackupNames.FolderFor(Path.Combine(_root, "store"), TestArtifact.Environment, BackupKind.Volume, "db-data"), Tree,
            name: "db-data", kind: BackupKind.Volume);

        var (checkedOnly, _) = await Run(new TestBackupOptions { Path = [volume.Path] });
        var (drilled, host) = await Run(new TestBackupOptions { Path = [volume.Path], Restore = true });

        Assert.True(checkedOnly!.Passed);
        Assert.Equal(BackupKind.Volume, checkedOnly.Kind);
        Assert.Null(drilled);
        Assert.Equal("VolumeDrillNotSupported", Assert.Single(host.Errors).ErrorId);
    }
}
