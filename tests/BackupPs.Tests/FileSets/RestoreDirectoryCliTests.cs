using System.Globalization;
using BackupPs.Core.Catalog;
using BackupPs.Core.Files;
using BackupPs.Core.Storage;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.FileSets;

/// <summary>
/// backupps restore-directory as an operator runs it: as root the recorded owners come back; as nobody the tree is
/// restored with its modes and times but owned by nobody, which the output and --verbose say; --what-if writes nothing.
/// </summary>
public sealed class RestoreDirectoryCliTests : IDisposable
{
    private readonly string _root = OperatorAccount.Nobody.NewWritableFolder();

    public void Dispose() => TreeRemoval.Remove(_root);

    private static readonly TestEntry[] Tree =
    [
        TestArtifact.Folder(".", mode: "0750", uid: 1000, gid: 1000),
        TestArtifact.File("run.sh", "#!/bin/sh\n", mode: "4755", uid: 1000, gid: 1000),
        TestArtifact.Symlink("current", "run.sh"),
    ];

    private string Backup()
    {
        var backup = TestArtifact.Write(BackupNames.FolderFor(Path.Combine(_root, "store"), TestArtifact.Environment, BackupKind.Directory, "certs"), Tree);
        ProcessRunner.Run("chown", ["-R", OperatorAccount.Nobody.Uid.ToString(CultureInfo.InvariantCulture), _root]);
        return backup.Path;
    }

    [Fact]
    public void As_root_the_recorded_owners_come_back()
    {
        var target = Path.Combine(_root, "out");

        var result = BackupPsCli.Run("restore-directory", "--path", Backup(), "--destination", target, "--force", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var record = Assert.Single(BackupPsCli.JsonLines(result));
        Assert.Equal("Directory", record.GetProperty("Kind").GetString());
        Assert.True(record.GetProperty("OwnersRestored").GetBoolean());
        Assert.Equal(1000u, EntryStatus.Read(Path.Combine(target, "run.sh"))!.Value.Owner);
        Assert.Equal("4755", ManifestEntryMatch.ModeText(EntryStatus.Read(Path.Combine(target, "run.sh"))!.Value.Mode));
    }

    [Fact]
    public async Task As_nobody_the_tree_comes_back_owned_by_nobody_and_says_so()
    {
        var target = Path.Combine(_root, "out");

        var result = await BackupPsCli.RunAsAsync(OperatorAccount.Nobody, _ => { }, "restore-directory", "--path", Backup(), "--destination", target, "--force", "--json", "--verbose");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.False(Assert.Single(BackupPsCli.JsonLines(result)).GetProperty("OwnersRestored").GetBoolean());
        Assert.Contains("Not running as root", result.Stderr);
        var run = EntryStatus.Read(Path.Combine(target, "run.sh"))!.Value;
        Assert.Equal((65534u, "4755"), (run.Owner, ManifestEntryMatch.ModeText(run.Mode)));
        Assert.Equal("0750", ManifestEntryMatch.ModeText(EntryStatus.Read(target)!.Value.Mode));
        Assert.Equal(Tree[1].Entry.Modified, run.Modified);
    }

    [Fact]
    public void What_if_prints_the_plan_and_writes_nothing()
    {
        var target = Path.Combine(_root, "out");

        var result = BackupPsCli.Run("restore-directory", "--path", Backup(), "--destination", target, "--replace", "--what-if");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("What if:", result.Stdout + result.Stderr);
        Assert.False(Path.Exists(target));
    }
}
