using BackupPs.Core.Catalog;
using BackupPs.Core.Errors;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.Catalog;

/// <summary>The one rule for -Path, as the core applies it for both front ends: it always points at backups.</summary>
public sealed class BackupPathsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bps-paths-").FullName;
    private readonly RecordingHost _host = new();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task AFolderMeansTheBackupsRecordedInIt()
    {
        var first = await BackupAsync("app-prod-20260101T000000Z.dump.zst");
        var second = await BackupAsync("app-prod-20260102T000000Z.sql.gz");
        Assert.Equal([first, second], BackupPaths.Files(_root, _host));
        Assert.Equal([first, second], BackupPaths.Files(Path.Combine(_root, "prod"), _host));
    }

    [Fact]
    public async Task AManifestMeansTheBackupBesideIt()
    {
        var backup = await BackupAsync("app-prod-20260101T000000Z.sql.gz");
        var manifest = BackupNames.ManifestPathFor(backup);
        Assert.Equal([backup], BackupPaths.Files(manifest, _host));
        Assert.Equal(backup, Assert.Single(BackupPaths.Records(manifest, _host)).Path);

        File.Delete(backup);
        var error = Assert.Throws<BackupPsException>(() => BackupPaths.Files(manifest, _host));
        Assert.Equal(("BackupFileNotFound", FailureCategory.ObjectNotFound), (error.ErrorId, error.Category));
        Assert.DoesNotContain(".manifest.json.manifest.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFolderWithoutBackupsIsAnErrorNotSilence()
    {
        var error = Assert.Throws<BackupPsException>(() => BackupPaths.Files(_root, _host));
        Assert.Equal(("NoBackupsFound", FailureCategory.ObjectNotFound), (error.ErrorId, error.Category));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void AnEmptyPathNeverMeansTheCurrentFolder(string? path)
    {
        foreach (var use in new Action[] { () => BackupPaths.Files(path!, _host), () => BackupPaths.StoreRoot(path!), () => BackupPaths.Records(path!, _host).ToList() })
        {
            var error = Assert.Throws<BackupPsException>(use);
            Assert.Equal(("EmptyPath", FailureCategory.InvalidArgument), (error.ErrorId, error.Category));
        }
    }

    [Fact]
    public async Task ABackupFileMeansTheStoreItLivesIn()
    {
        var backup = await BackupAsync("app-prod-20260101T000000Z.dump.zst");
        Assert.Equal(_root, BackupPaths.StoreRoot(backup));
        Assert.Equal(_root, BackupPaths.StoreRoot(BackupNames.ManifestPathFor(backup)));
        Assert.Equal(_root, BackupPaths.StoreRoot(_root));
        Assert.Equal(Path.Combine(_root, "new"), BackupPaths.StoreRoot(Path.Combine(_root, "new")));

        var stray = Path.Combine(_root, "notes.txt");
        File.WriteAllText(stray, "not a backup");
        var error = Assert.Throws<BackupPsException>(() => BackupPaths.StoreRoot(stray));
        Assert.Equal(("DestinationIsFile", FailureCategory.InvalidArgument), (error.ErrorId, error.Category));
    }

    private async Task<string> BackupAsync(string fileName)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "prod", "app")).FullName;
        var path = Path.Combine(folder, fileName);
        File.WriteAllBytes(path, [1, 2, 3]);
        var started = DateTimeOffset.ParseExact(fileName.Split('-')[2][..16], "yyyyMMdd'T'HHmmss'Z'", null, System.Globalization.DateTimeStyles.AssumeUniversal);
        await ManifestStore.WriteAsync(BackupNames.ManifestPathFor(path), ManifestSamples.Valid(fileName, started), CancellationToken.None);
        return path;
    }
}
