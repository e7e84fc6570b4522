using BackupPs.Core.Catalog;
using BackupPs.Core.Directories;
using BackupPs.Core.Errors;
using BackupPs.Core.Files;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.FileSets;

/// <summary>
/// Backup-Directory's handler in-process, where the source and the store meet: a store inside the source folder is left
/// out (a backup never holds backups), and a source that is the store, or lies inside it, is refused with nothing written.
/// </summary>
public sealed class BackupDirectoryHandlerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bps-backupdir-").FullName;

    public void Dispose() => TreeRemoval.Remove(_root);

    private static Task Run(BackupDirectoryOptions options, RecordingHost host) =>
        new BackupDirectoryHandler().ExecuteAsync(options, host, CancellationToken.None);

    [Theory]
    [InlineData("app/backups")]
    [InlineData("app/deep/er/backups")]
    public async Task A_store_inside_the_source_is_left_out_of_every_run(string store)
    {
        var app = Path.Combine(_root, "app");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "photo.jpg"), "jpeg");
        var options = new BackupDirectoryOptions { SourcePath = [app], Environment = "prod", Path = Path.Combine(_root, store) };

        await Run(options, new RecordingHost());
        var host = new RecordingHost();
        await Run(options, host);

        var record = Assert.IsType<BackupRecord>(Assert.Single(host.Output));
        var storeEntry = Path.GetRelativePath(app, Path.Combine(_root, store)).Replace('\\', '/');
        Assert.DoesNotContain(record.Files!, f => f.Path == storeEntry || f.Path.StartsWith(storeEntry + "/", StringComparison.Ordinal));
        Assert.Contains(record.Files!, f => f.Path == "photo.jpg");
        Assert.Contains(ManifestStore.Read(record.ManifestPath).Skipped!, s => s.Path == storeEntry);
        Assert.Contains(host.Warnings, w => w.Contains("is the backup store", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("backups", "backups")]
    [InlineData("backups", "backups/prod")]
    public async Task A_source_that_is_the_store_or_lies_inside_it_is_refused_with_nothing_written(string store, string source)
    {
        var storePath = Path.Combine(_root, store);
        Directory.CreateDirectory(Path.Combine(_root, source));
        File.WriteAllText(Path.Combine(_root, source, "old.tar.zst"), "x");
        var before = Directory.GetFileSystemEntries(storePath, "*", SearchOption.AllDirectories);

        var e = await Assert.ThrowsAsync<BackupPsException>(() =>
            Run(new BackupDirectoryOptions { SourcePath = [Path.Combine(_root, source)], Environment = "prod", Path = storePath }, new RecordingHost()));

        Assert.Equal(FileSetErrorIds.SourceInStore, e.ErrorId);
        Assert.Contains(source == store ? " is the backup store " : " lies inside the backup store ", e.Message);
        Assert.Equal(before, Directory.GetFileSystemEntries(storePath, "*", SearchOption.AllDirectories));
    }
}
