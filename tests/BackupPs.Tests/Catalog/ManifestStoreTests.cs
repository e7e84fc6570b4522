using BackupPs.Core.Catalog;
using BackupPs.Core.Postgres;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.Catalog;

/// <summary>The catalog survives what a real backup folder collects over the years.</summary>
public sealed class ManifestStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bps-catalog-" + Guid.NewGuid().ToString("N")[..8]);

    public ManifestStoreTests() => Directory.CreateDirectory(Path.Combine(_root, "prod", "app"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>What is skipped is told in the order of the names, the same on every run and file system (not the directory's order).</summary>
    [Fact]
    public void SkippedManifestsAreReportedInNameOrder()
    {
        var folder = Path.Combine(_root, "prod", "app");
        Directory.CreateDirectory(folder);
        var names = new[] { "m", "c", "x", "a", "q", "e", "z", "b", "k", "g" }.Select(n => n + "-broken.manifest.json").ToArray();
        foreach (var name in names)
        {
            File.WriteAllText(Path.Combine(folder, name), "{ not json");
        }

        var host = new RecordingHost();
        Assert.Empty(ManifestStore.Enumerate(_root, host));

        Assert.Equal(names.Order(StringComparer.Ordinal).Select(n => Path.Combine(folder, n)), host.Errors.Select(e => (string?)e.Target));
    }

    [Fact]
    public async Task RoundTripsAManifestAndListsOnlyBackupsWhoseFileExists()
    {
        var good = await WriteAsync("app-prod-20260101T000000Z.dump.zst", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), withArtifact: true);
        await WriteAsync("app-prod-20260102T000000Z.dump.zst", new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero), withArtifact: false);
        File.WriteAllText(Path.Combine(_root, "prod", "app", "broken.manifest.json"), "{ not json");
        File.WriteAllText(Path.Combine(_root, "prod", "app", "future.manifest.json"), """{"SchemaVersion": 99}""");

        var host = new RecordingHost();
        var record = Assert.Single(ManifestStore.Enumerate(_root, host));

        Assert.Equal(good, record.Path);
        Assert.Equal(new TableRowCount("public", "loans", 42).Rows, record.Tables!.Single().Rows);
        // A manifest without its backup file is a warning; one that cannot be read is an error (one per file).
        Assert.Contains("is missing", Assert.Single(host.Warnings), StringComparison.Ordinal);
        Assert.Equal(2, host.Errors.Count);
        Assert.All(host.Errors, e => Assert.Equal("ManifestInvalid", e.ErrorId));
        Assert.Contains(host.Errors, e => e.Message.Contains("broken.manifest.json", StringComparison.Ordinal));
        Assert.Contains(host.Errors, e => e.Message.Contains("schema version 99", StringComparison.Ordinal));
    }

    /// <summary>
    /// The issue's example: a manifest with "Tables": null among good ones. Get-Backup lists the good ones and reports
    /// the bad one as one error naming the file and the field, with what to do.
    /// </summary>
    [Theory]
    [InlineData("Tables")]
    [InlineData("Environment")]
    public async Task ANullFieldIsOneErrorAndTheOtherBackupsAreListed(string field)
    {
        var first = await WriteAsync("app-prod-20260101T000000Z.dump.zst", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), withArtifact: true);
        var bad = await WriteAsync("app-prod-20260102T000000Z.dump.zst", new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero), withArtifact: true);
        var last = await WriteAsync("app-prod-20260103T000000Z.dump.zst", new DateTimeOffset(2026, 1, 3, 0, 0, 0, TimeSpan.Zero), withArtifact: true);
        EditManifest(bad, m => m[field] = null);

        var host = new RecordingHost();
        await new GetBackupHandler().ExecuteAsync(new GetBackupOptions { Path = [_root] }, host, CancellationToken.None);

        Assert.Equal([first, last], host.Output.Cast<BackupRecord>().Select(r => r.Path));
        var error = Assert.Single(host.Errors);
        Assert.Equal("ManifestInvalid", error.ErrorId);
        Assert.False(error.ConcernsWholeInvocation);
        Assert.Equal(BackupNames.ManifestPathFor(bad), error.Target);
        Assert.Contains($"field {field}", error.Message, StringComparison.Ordinal);
        Assert.Contains("Put back the manifest", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A manifest that adds a Path (or ManifestPath) of its own never decides where the record points.</summary>
    [Fact]
    public async Task APathInTheManifestIsIgnored()
    {
        var backup = await WriteAsync("app-prod-20260101T000000Z.dump.zst", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), withArtifact: true);
        EditManifest(backup, m =>
        {
            m["Path"] = "/etc/passwd";
            m["ManifestPath"] = "/etc/shadow";
        });

        var record = Assert.Single(ManifestStore.Enumerate(_root, new RecordingHost()));
        Assert.Equal(backup, record.Path);
        Assert.Equal(BackupNames.ManifestPathFor(backup), record.ManifestPath);
    }

    /// <summary>
    /// Two manifests claiming one backup file (a hard link under the next claim's name, with a copied and edited
    /// manifest) would be two records of one file: neither is trusted, and one error names both manifests.
    /// </summary>
    [Fact]
    public async Task OneFileClaimedByTwoManifestsIsListedUnderNeither()
    {
        var started = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var original = await WriteAsync("app-prod-20260101T000000Z.dump.zst", started, withArtifact: true);
        var alias = Path.Combine(_root, "prod", "app", "app-prod-20260101T000000Z-2.dump.zst");
        Assert.Equal(0, ProcessRunner.Run("ln", [original, alias]).ExitCode);
        await ManifestStore.WriteAsync(BackupNames.ManifestPathFor(alias), ManifestSamples.Valid(Path.GetFileName(alias), started), CancellationToken.None);
        var unrelated = await WriteAsync("app-prod-20260102T000000Z.dump.zst", started.AddDays(1), withArtifact: true);

        var host = new RecordingHost();
        var records = ManifestStore.Enumerate(_root, host).ToList();

        Assert.Equal(unrelated, Assert.Single(records).Path);
        var error = Assert.Single(host.Errors);
        Assert.Equal("BackupClaimedTwice", error.ErrorId);
        Assert.Contains(BackupNames.ManifestPathFor(original), error.Message, StringComparison.Ordinal);
        Assert.Contains(BackupNames.ManifestPathFor(alias), error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A folder linked under a second name that still ends in the environment and database (store/archive/prod ->
    /// store/prod) leads to the same manifest and file twice: one backup, one record.
    /// </summary>
    [Fact]
    public async Task OneBackupReachedUnderTwoNamesIsListedOnce()
    {
        var backup = await WriteAsync("app-prod-20260101T000000Z.dump.zst", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), withArtifact: true);
        Directory.CreateDirectory(Path.Combine(_root, "archive"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "archive", "prod"), Path.Combine(_root, "prod"));

        var host = new RecordingHost();
        Assert.Equal(backup, Assert.Single(ManifestStore.Enumerate(_root, host)).Path);
        Assert.Empty(host.Errors);
    }

    [Fact]
    public async Task NeverOverwritesAManifest()
    {
        await WriteAsync("app-prod-20260101T000000Z.dump.zst", DateTimeOffset.UnixEpoch, withArtifact: false);
        var error = await Assert.ThrowsAsync<BackupPs.Core.Errors.BackupPsException>(() =>
            WriteAsync("app-prod-20260101T000000Z.dump.zst", DateTimeOffset.UnixEpoch, withArtifact: false));
        Assert.Equal("BackupAlreadyExists", error.ErrorId);
    }

    [Fact]
    public async Task BackupsOfTheSameInstantAreListedInAStableOrder()
    {
        // Same start and end (a pinned or coarse clock): in the order the names were claimed, -10 after -2, whatever
        // the format; never by directory listing order.
        var started = new DateTimeOffset(2026, 11, 21, 2, 0, 0, TimeSpan.Zero);
        var end = started.AddSeconds(9);
        var tenth = await WriteAsync("app-prod-20261121T020000Z-10.dump.zst", started, withArtifact: true, completed: end);
        var third = await WriteAsync("app-prod-20261121T020000Z-3.sql.gz", started, withArtifact: true, completed: end);
        var first = await WriteAsync("app-prod-20261121T020000Z.dump.zst", started, withArtifact: true, completed: end);
        var second = await WriteAsync("app-prod-20261121T020000Z-2.dump.zst", started, withArtifact: true, completed: end);
        var finishedFirst = await WriteAsync("app-prod-20261121T020000Z-4.dump.zst", started, withArtifact: true, completed: started.AddSeconds(5));
        var earlier = await WriteAsync("app-prod-20261121T015959Z.dump.zst", started.AddSeconds(-1), withArtifact: true, completed: started.AddSeconds(20));

        Assert.Equal([earlier, finishedFirst, first, second, third, tenth], ManifestStore.Enumerate(_root, new RecordingHost()).Select(r => r.Path));

        // -Latest agrees with that order: the last name taken among the latest.
        var latest = new RecordingHost();
        await new GetBackupHandler().ExecuteAsync(new GetBackupOptions { Path = [_root], Latest = true }, latest, CancellationToken.None);
        Assert.Equal(tenth, Assert.IsType<BackupRecord>(Assert.Single(latest.Output)).Path);
    }

    /// <summary>
    /// Backup-Database writes through a linked environment or database folder (store/prod -> a USB disk), so the
    /// catalog follows those links: what a backup reports written is listed. A backup reached under two names is listed
    /// once; loops and links inside a database's folder are not followed, with a warning.
    /// </summary>
    [Fact]
    public async Task LinkedEnvironmentAndDatabaseFoldersAreListedOnceAndLoopsAreNot()
    {
        var usb = _root + "-usb";
        Directory.CreateDirectory(usb);
        try
        {
            Directory.Move(Path.Combine(_root, "prod"), Path.Combine(usb, "prod"));
            Directory.CreateSymbolicLink(Path.Combine(_root, "prod"), Path.Combine(usb, "prod"));
            var backup = await WriteAsync("app-prod-20260101T000000Z.dump.zst", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), withArtifact: true);
            Directory.CreateSymbolicLink(Path.Combine(_root, "again"), "prod");
            Directory.CreateSymbolicLink(Path.Combine(_root, "loop"), ".");
            Directory.CreateSymbolicLink(Path.Combine(usb, "prod", "app", "deeper"), usb);

            var host = new RecordingHost();
            var records = ManifestStore.Enumerate(_root, host).ToList();
            Assert.True(records.Count == 1, string.Join("\n", host.Warnings));
            var record = records[0];

            Assert.Equal(backup, record.Path);
            // The second name for prod is read, but its backup belongs in prod/app only, so it is listed once.
            Assert.Contains(host.Warnings, w => w.Contains($"{Path.Combine(_root, "again", "app")}", StringComparison.Ordinal) && w.Contains("belongs in prod/app", StringComparison.Ordinal));
            Assert.Contains(host.Warnings, w => w.Contains($"{Path.Combine(_root, "loop")}: it leads back to {_root}, a folder above it (a loop)", StringComparison.Ordinal));
            Assert.Contains(host.Warnings, w => w.Contains($"{Path.Combine(_root, "prod", "app", "deeper")}: it is a symbolic link to a folder ({usb}) inside a backup's folder", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(usb, recursive: true);
        }
    }

    private static void EditManifest(string backup, Action<System.Text.Json.Nodes.JsonObject> edit)
    {
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(BackupNames.ManifestPathFor(backup)))!.AsObject();
        edit(manifest);
        File.WriteAllText(BackupNames.ManifestPathFor(backup), manifest.ToJsonString());
    }

    private async Task<string> WriteAsync(string fileName, DateTimeOffset started, bool withArtifact, DateTimeOffset? completed = null)
    {
        var path = Path.Combine(_root, "prod", "app", fileName);
        if (withArtifact)
        {
            File.WriteAllBytes(path, [1, 2, 3]);
        }

        await ManifestStore.WriteAsync(BackupNames.ManifestPathFor(path), ManifestSamples.Valid(fileName, started, completed), CancellationToken.None);
        return path;
    }
}
