using BackupPs.Core.Catalog;
using BackupPs.Core.Compression;
using BackupPs.Core.Database;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
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
        Assert.Equal((Noon, Noon, TimeSpan.Zero), (record.StartedUtc, record.CompletedUtc, record.Duration));
        Assert.Empty(host.Errors);
    }

    [Fact]
    public async Task ASecondBackupInTheSameSecondNeverOverwritesTheFirst()
    {
        var root = Path.Combine(Path.GetTempPath(), "bps-handler-" + Guid.NewGuid().ToString("N")[..8]);
        await Handler().ExecuteAsync(Options(root), new RecordingHost(), CancellationToken.None);
        var first = Directory.GetFiles(root, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);

        var host = new RecordingHost();
        var error = await Assert.ThrowsAsync<BackupPsException>(() => Handler().ExecuteAsync(Options(root), host, CancellationToken.None));
        Assert.Equal("BackupAlreadyExists", error.ErrorId);
        Assert.Equal(FailureCategory.ResourceExists, error.Category);
        Assert.Equal(first, Directory.GetFiles(root, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes));
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

    private sealed class PinnedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
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
