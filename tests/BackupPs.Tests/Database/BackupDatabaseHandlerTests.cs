using BackupPs.Core.Catalog;
using BackupPs.Core.Compression;
using BackupPs.Core.Database;
using BackupPs.Core.Docker;
using BackupPs.Core.Restore;
using BackupPs.Core.Verification;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.Database;

/// <summary>
/// The handler in-process, against the shared real PostgreSQL container: what it asks of its host
/// and what a pinned clock makes deterministic.
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed class BackupDatabaseHandlerTests(SharedPostgresServer pg)
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private static BackupDatabaseHandler Handler() => new(() => new DockerClient(), new PinnedClock(Noon));

    private BackupDatabaseOptions Options(string root) => new() { Container = pg.Name, Environment = "Prod", Path = root };

    [Fact]
    public async Task AsksFirstThenReportsProgressToCompletionAndEmitsTheRecord()
    {
        var root = Path.Combine(Path.GetTempPath(), "bps-handler-" + Guid.NewGuid().ToString("N")[..8]);
        var host = new RecordingHost();
        await Handler().ExecuteAsync(Options(root), host, CancellationToken.None);

        var (target, action) = Assert.Single(host.Confirmations);
        Assert.Equal($"database app in container {pg.Name}", target);
        Assert.Equal($"Back up as prod (Custom, Zstd) to {root}/prod/app", action);
        Assert.True(host.Progress.Last().Completed);
        var record = Assert.IsType<BackupRecord>(Assert.Single(host.Output));
        Assert.Equal(Path.Combine(root, "prod", "app", "app-prod-20261121T120000Z.dump.zst"), record.Path);
        Assert.Equal((Noon, Noon, TimeSpan.Zero), (record.StartedUtc, record.CompletedUtc, record.Elapsed));
        Assert.Empty(host.Errors);
    }

    [Fact]
    public async Task BackupsInTheSameSecondGetTheNextFreeNameAndNeverTouchTheFirst()
    {
        var root = NewRoot();
        var first = await BackupAsync(Handler(), Options(root));
        var firstBytes = File.ReadAllBytes(first.Path).Concat(File.ReadAllBytes(first.ManifestPath)).ToArray();
        var second = await BackupAsync(Handler(), Options(root));
        // Another format wants the same manifest name (app-prod-...Z.manifest.json) through another artifact name.
        var third = await BackupAsync(Handler(), new BackupDatabaseOptions
        {
            Container = pg.Name, Environment = "prod", Path = root, Format = BackupFormat.Plain, Compression = CompressionKind.Gzip,
        });

        var folder = Path.Combine(root, "prod", "app");
        Assert.Equal(
            [Path.Combine(folder, "app-prod-20261121T120000Z.dump.zst"), Path.Combine(folder, "app-prod-20261121T120000Z-2.dump.zst"), Path.Combine(folder, "app-prod-20261121T120000Z-3.sql.gz")],
            new[] { first, second, third }.Select(r => r.Path));
        Assert.Equal(firstBytes, File.ReadAllBytes(first.Path).Concat(File.ReadAllBytes(first.ManifestPath)));
        Assert.Equal(6, Directory.GetFiles(root, "*", SearchOption.AllDirectories).Length);
        await AssertCatalogedAndProvenAsync(root, first, second, third);
    }

    [Fact]
    public async Task ThreeBackupsStartedTogetherAllSucceedWithDistinctNames()
    {
        var root = NewRoot();
        var records = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => BackupAsync(Handler(), Options(root)))));

        var folder = Path.Combine(root, "prod", "app");
        Assert.Equal(
            [Path.Combine(folder, "app-prod-20261121T120000Z-2.dump.zst"), Path.Combine(folder, "app-prod-20261121T120000Z-3.dump.zst"), Path.Combine(folder, "app-prod-20261121T120000Z.dump.zst")],
            records.Select(r => r.Path).Order(StringComparer.Ordinal));
        Assert.Equal(6, Directory.GetFiles(root, "*", SearchOption.AllDirectories).Length);
        await AssertCatalogedAndProvenAsync(root, records.OrderBy(r => r.ManifestPath.Length).ThenBy(r => r.ManifestPath, StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task DatabasesWhoseNamesLookAlikeOnDiskAreKeptApart()
    {
        // "x/y" and "x_y" both became "x_y": one folder, one stem, and the second backup of the second failed.
        var id = Guid.NewGuid().ToString("N")[..8];
        string[] databases = [$"names_{id}/x", $"names_{id}_x"];
        foreach (var database in databases)
        {
            pg.Psql($"create database \"{database}\"", "postgres");
        }

        try
        {
            var root = NewRoot();
            var records = new List<BackupRecord>();
            foreach (var database in databases)
            {
                var options = Options(root);
                options.Database = database;
                records.Add(await BackupAsync(Handler(), options));
            }

            Assert.Equal(databases, records.Select(r => r.Database));
            Assert.Equal(databases, records.Select(r => ManifestStore.Read(r.ManifestPath).Database));
            Assert.Equal(2, records.Select(r => Path.GetDirectoryName(r.Path)).Distinct().Count());
            Assert.Equal(Path.Combine(root, "prod", $"names_{id}_x", $"names_{id}_x-prod-20261121T120000Z.dump.zst"), records[1].Path);
            await AssertCatalogedAndProvenAsync(root, [.. records.OrderBy(r => Path.GetDirectoryName(r.Path), StringComparer.Ordinal)]);
        }
        finally
        {
            foreach (var database in databases)
            {
                pg.Psql($"drop database if exists \"{database}\"", "postgres");
            }
        }
    }

    [Fact]
    public async Task TheSafetyBackupOfAReplaceInTheSameSecondAsABackupGetsItsOwnName()
    {
        var database = "safety_" + Guid.NewGuid().ToString("N")[..8];
        pg.Psql($"create database {database}", "postgres");
        pg.Psql("create table t(id int); insert into t values (1), (2)", database);
        try
        {
            // A clock pinned to this very second: the scheduled backup and the safety backup share it.
            var clock = PinnedClock.ThisSecond();
            var root = NewRoot();
            var options = Options(root);
            options.Database = database;
            var scheduled = await BackupAsync(new BackupDatabaseHandler(() => new DockerClient(), clock), options);

            var host = new RecordingHost();
            await new RestoreDatabaseHandler(() => new DockerClient(), clock)
                .ExecuteAsync(new RestoreDatabaseOptions { Path = [scheduled.Path], Replace = true }, host, CancellationToken.None);

            var safety = Directory.GetFiles(Path.GetDirectoryName(scheduled.Path)!, "*.dump.zst").Single(p => p != scheduled.Path);
            Assert.Equal(scheduled.Path.Replace("Z.dump.zst", "Z-2.dump.zst", StringComparison.Ordinal), safety);
            Assert.Empty(host.Errors);
            await AssertCatalogedAndProvenAsync(root, scheduled, ManifestStore.Enumerate(root, new RecordingHost()).Last());
        }
        finally
        {
            pg.Psql($"drop database if exists {database}", "postgres");
        }
    }

    [Fact]
    public async Task WarnsAboutAFolderOthersCanWriteTo()
    {
        var root = Path.Combine(Path.GetTempPath(), "bps-handler-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(root, "prod", "app"));
        File.SetUnixFileMode(Path.Combine(root, "prod", "app"), (UnixFileMode)0b111_111_111);
        var host = new RecordingHost();
        await Handler().ExecuteAsync(Options(root), host, CancellationToken.None);
        Assert.Contains(host.Warnings, w => w.Contains("writable by other users", StringComparison.Ordinal));
        Assert.Single(host.Output);
    }

    [Fact]
    public async Task DeclinedConfirmationWritesNothing()
    {
        var root = Path.Combine(Path.GetTempPath(), "bps-handler-" + Guid.NewGuid().ToString("N")[..8]);
        var host = new RecordingHost(answer: false);
        await Handler().ExecuteAsync(Options(root), host, CancellationToken.None);
        Assert.Single(host.Confirmations);
        Assert.Empty(host.Output);
        Assert.False(Directory.Exists(root));
    }

    private static string NewRoot() => Path.Combine(Path.GetTempPath(), "bps-handler-" + Guid.NewGuid().ToString("N")[..8]);

    private static async Task<BackupRecord> BackupAsync(BackupDatabaseHandler handler, BackupDatabaseOptions options)
    {
        var host = new RecordingHost();
        await handler.ExecuteAsync(options, host, CancellationToken.None);
        Assert.Empty(host.Errors);
        return Assert.IsType<BackupRecord>(Assert.Single(host.Output));
    }

    /// <summary>Get-Backup lists exactly these, in this order, and Test-Backup passes each (its FileName check included).</summary>
    private static async Task AssertCatalogedAndProvenAsync(string root, params BackupRecord[] expected)
    {
        var listing = new RecordingHost();
        await new GetBackupHandler().ExecuteAsync(new GetBackupOptions { Path = [root] }, listing, CancellationToken.None);
        Assert.Equal(expected.Select(r => r.Path), listing.Output.Cast<BackupRecord>().Select(r => r.Path));
        Assert.Empty(listing.Warnings);
        foreach (var record in expected)
        {
            Assert.Equal(BackupNames.ManifestPathFor(record.Path), record.ManifestPath);
            var testing = new RecordingHost();
            await new TestBackupHandler().ExecuteAsync(new TestBackupOptions { Path = [record.Path] }, testing, CancellationToken.None);
            var result = Assert.IsType<TestBackupResult>(Assert.Single(testing.Output));
            Assert.True(result.Passed, string.Join("; ", result.Checks.Where(c => !c.Passed).Select(c => $"{c.Name}: {c.Detail}")));
        }
    }
}

/// <summary>The compression choice is pure logic: zstd by default, gzip when libzstd is missing.</summary>
public sealed class CompressionChoiceTests
{
    [Theory]
    [InlineData(null, true, CompressionKind.Zstd, false)]
    [InlineData(null, false, CompressionKind.Gzip, true)]
    [InlineData(CompressionKind.Gzip, true, CompressionKind.Gzip, false)]
    [InlineData(CompressionKind.Zstd, false, CompressionKind.Zstd, false)]
    public void ZstdByDefaultGzipWhenLibzstdIsMissing(CompressionKind? requested, bool zstdAvailable, CompressionKind chosen, bool warned)
    {
        var host = new RecordingHost();
        Assert.Equal(chosen, BackupDatabaseHandler.ChooseCompression(requested, zstdAvailable, host));
        Assert.Equal(warned, host.Warnings.Count == 1);
    }
}
