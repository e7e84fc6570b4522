using BackupPs.Core.Catalog;
using BackupPs.Core.Directories;
using BackupPs.Core.Errors;
using BackupPs.Core.Files;
using BackupPs.Core.Restore;
using BackupPs.Core.Storage;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.FileSets;

/// <summary>
/// Restore-Directory's handler in-process: the recorded folder as the default destination, an existing tree never touched
/// without -Replace, -Replace keeping the old tree as &lt;name&gt;.before-&lt;stamp&gt; (or removing it), and a damaged chain,
/// Ctrl+C and a No answer leaving the target and its parent exactly as they were.
/// </summary>
public sealed class RestoreDirectoryHandlerTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private readonly string _root = Directory.CreateTempSubdirectory("bps-restoredir-").FullName;

    public RestoreDirectoryHandlerTests() => Directory.CreateDirectory(App);

    public void Dispose() => TreeRemoval.Remove(_root);

    private string Folder => BackupNames.FolderFor(Path.Combine(_root, "store"), TestArtifact.Environment, BackupKind.Directory, "certs");

    private string App => Path.Combine(_root, "app");

    private string Live => Path.Combine(App, "certs");

    private static readonly TestEntry[] Tree = [TestArtifact.Folder(".", mode: "0750"), TestArtifact.Folder("live"), TestArtifact.File("live/key.pem", "new key", mode: "0600")];

    private (string Path, BackupManifest Manifest) Backup() => TestArtifact.Write(Folder, Tree, sourcePath: Live);

    private Task Run(RestoreDirectoryOptions options, Core.Hosting.IOperationHost host, CancellationToken cancellationToken = default) =>
        new RestoreDirectoryHandler(new PinnedClock(Now)).ExecuteAsync(options, host, cancellationToken);

    private string[] Snapshot() =>
        Directory.EnumerateFileSystemEntries(App, "*", new EnumerationOptions { AttributesToSkip = 0, RecurseSubdirectories = true })
            .Select(p => $"{p} {EntryStatus.Read(p)}").Order(StringComparer.Ordinal).ToArray();

    private void OldTree()
    {
        Directory.CreateDirectory(Path.Combine(Live, "live"));
        File.WriteAllText(Path.Combine(Live, "live", "key.pem"), "old key");
    }

    [Fact]
    public async Task A_missing_source_folder_is_restored_where_it_was()
    {
        var backup = Backup();
        var host = new RecordingHost();

        await Run(new RestoreDirectoryOptions { Path = [backup.Path] }, host);

        var record = Assert.IsType<DirectoryRestoreRecord>(Assert.Single(host.Output));
        Assert.Equal((Live, RestoreMode.New, BackupKind.Directory, "certs", 3L), (record.Destination, record.Mode, record.Kind, record.Name, record.FileCount));
        Assert.All(record.Checks, c => Assert.True(c.Passed, c.ToString()));
        Assert.Null(record.PreviousPath);
        Assert.Equal("new key", File.ReadAllText(Path.Combine(Live, "live", "key.pem")));
        Assert.Equal("0750", ManifestEntryMatch.ModeText(EntryStatus.Read(Live)!.Value.Mode));
        Assert.Contains(host.Confirmations, c => c.Target == Live && c.Action.Contains("into the new folder", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_existing_tree_is_not_touched_without_Replace()
    {
        var backup = Backup();
        OldTree();
        var before = Snapshot();

        var e = await Assert.ThrowsAsync<BackupPsException>(() => Run(new RestoreDirectoryOptions { Path = [backup.Path] }, new RecordingHost()));

        Assert.Equal(FileSetRestore.DestinationNotEmptyErrorId, e.ErrorId);
        Assert.Contains("-Replace", e.Message);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task Replace_swaps_the_tree_in_and_keeps_the_old_one_beside_it()
    {
        var backup = Backup();
        OldTree();
        var host = new RecordingHost();

        await Run(new RestoreDirectoryOptions { Path = [backup.Path], Replace = true }, host);

        var previous = Live + ".before-20261201T100000Z";
        var record = Assert.IsType<DirectoryRestoreRecord>(Assert.Single(host.Output));
        Assert.Equal((RestoreMode.Replace, previous), (record.Mode, record.PreviousPath));
        Assert.Equal("new key", File.ReadAllText(Path.Combine(Live, "live", "key.pem")));
        Assert.Equal("old key", File.ReadAllText(Path.Combine(previous, "live", "key.pem")));
        Assert.Equal([Live, previous], Directory.GetFileSystemEntries(App).Order());
        Assert.Contains(host.Confirmations, c => c.Action.Contains(Live + ".restoring-20261201T100000Z", StringComparison.Ordinal) && c.Action.Contains(previous, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RemovePrevious_removes_the_replaced_tree_after_the_swap()
    {
        var backup = Backup();
        OldTree();
        var host = new RecordingHost();

        await Run(new RestoreDirectoryOptions { Path = [backup.Path], Replace = true, RemovePrevious = true }, host);

        Assert.Null(Assert.IsType<DirectoryRestoreRecord>(Assert.Single(host.Output)).PreviousPath);
        Assert.Equal([Live], Directory.GetFileSystemEntries(App));
        Assert.Equal("new key", File.ReadAllText(Path.Combine(Live, "live", "key.pem")));
    }

    [Fact]
    public async Task Replace_of_a_missing_folder_restores_it_new()
    {
        var backup = Backup();
        var host = new RecordingHost();

        await Run(new RestoreDirectoryOptions { Path = [backup.Path], Replace = true }, host);

        Assert.Equal(RestoreMode.New, Assert.IsType<DirectoryRestoreRecord>(Assert.Single(host.Output)).Mode);
        Assert.Equal([Live], Directory.GetFileSystemEntries(App));
    }

    [Fact]
    public async Task A_damaged_earlier_backup_of_the_chain_leaves_the_target_untouched()
    {
        var full = Backup();
        var incremental = TestArtifact.Write(Folder, [.. Tree.Select(e => e.Entry.Type == FileEntryType.File ? e with { Entry = e.Entry with { StoredIn = full.Manifest.FileName } } : e),
            TestArtifact.File("new.pem", "added")], started: TestArtifact.Started.AddDays(1), baseFileName: full.Manifest.FileName, sourcePath: Live);
        var bytes = File.ReadAllBytes(full.Path);
        bytes[^3] ^= 0x40;
        File.WriteAllBytes(full.Path, bytes);
        OldTree();
        var before = Snapshot();

        var e = await Assert.ThrowsAsync<BackupPsException>(() => Run(new RestoreDirectoryOptions { Path = [incremental.Path], Replace = true }, new RecordingHost()));

        Assert.Equal(FileSetRestore.BackupDamagedErrorId, e.ErrorId);
        Assert.Contains(full.Manifest.FileName, e.Message);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task Ctrl_C_during_a_replace_leaves_no_staging_folder_and_the_old_tree_in_place()
    {
        var backup = TestArtifact.Write(Folder, [.. Tree, .. Enumerable.Range(0, 10).Select(i => TestArtifact.File($"photo{i}.jpg", new byte[300_000]))], sourcePath: Live);
        OldTree();
        var before = Snapshot();
        using var cancel = new CancellationTokenSource();
        var host = new CancellingHost(cancel, p => p.Status.Contains("restored", StringComparison.Ordinal));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Run(new RestoreDirectoryOptions { Path = [backup.Path], Replace = true }, host, cancel.Token));

        Assert.True(host.Cancelled);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task A_No_or_WhatIf_writes_nothing()
    {
        var backup = Backup();
        OldTree();
        var before = Snapshot();
        var host = new RecordingHost(answer: false);

        await Run(new RestoreDirectoryOptions { Path = [backup.Path], Replace = true }, host);

        Assert.Single(host.Confirmations);
        Assert.Empty(host.Output);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task A_folder_with_several_backups_is_ambiguous_and_another_kind_is_refused()
    {
        Backup();
        TestArtifact.Write(Folder, Tree, started: TestArtifact.Started.AddDays(1), sourcePath: Live);
        var envFiles = TestArtifact.Write(BackupNames.FolderFor(Path.Combine(_root, "store"), TestArtifact.Environment, BackupKind.EnvFile, "env"),
            [TestArtifact.File("opt/app/.env", "A=1")], name: "env", kind: BackupKind.EnvFile);

        var ambiguous = await Assert.ThrowsAsync<BackupPsException>(() => Run(new RestoreDirectoryOptions { Path = [Folder] }, new RecordingHost()));
        var wrongKind = await Assert.ThrowsAsync<BackupPsException>(() => Run(new RestoreDirectoryOptions { Path = [envFiles.Path] }, new RecordingHost()));

        Assert.Equal("AmbiguousBackup", ambiguous.ErrorId);
        Assert.Contains("Restore-Directory restores one", ambiguous.Message);
        Assert.Equal("WrongBackupKind", wrongKind.ErrorId);
        Assert.Contains("Import-EnvFile", wrongKind.Message);
        Assert.Empty(Directory.GetFileSystemEntries(App));
    }
}
