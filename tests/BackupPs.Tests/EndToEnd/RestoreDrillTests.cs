using System.Diagnostics;
using System.Globalization;
using BackupPs.Tests.Infrastructure;
using Xunit;
using static BackupPs.Tests.EndToEnd.RestoreTestSupport;

namespace BackupPs.Tests.EndToEnd;

/// <summary>Test-Backup -Restore: the drill, in place and isolated, through the CLI.</summary>
public sealed class RestoreDrillTests(RestoreServers servers) : IClassFixture<RestoreServers>
{
    private PostgresContainer Source => servers.Source;

    private static ProcessResult Drill(string path, params string[] args) => BackupPsCli.Run(["test-backup", path, "--restore", "--json", .. args]);

    private static Dictionary<string, (bool Passed, string Detail)> Checks(ProcessResult result) =>
        Assert.Single(BackupPsCli.JsonLines(result)).GetProperty("Checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("Name").GetString()!, c => (c.GetProperty("Passed").GetBoolean(), c.GetProperty("Detail").GetString()!));

    [Theory]
    [InlineData("Custom")]
    [InlineData("Plain")]
    public void ADrillRestoresComparesRowsChecksPrismaAndDropsEverything(string format)
    {
        var path = BackupOf(Source, "app", "dev", "--format", format);
        var result = Drill(path, "--query", "select count(*) from loans", "--expected", Source.Psql("select count(*) from loans"));
        Assert.True(result.ExitCode == 0, result.ToString());
        var record = Assert.Single(BackupPsCli.JsonLines(result));
        Assert.True(record.GetProperty("Passed").GetBoolean(), result.ToString());
        Assert.True(record.GetProperty("RestoreDuration").GetString() is { Length: > 0 });
        var checks = Checks(result);
        Assert.Equal(["Manifest", "FileName", "Size", "Sha256", "Decompression", "Structure", "Metadata", "RowCounts", "Restore", "RestoredRows", "PrismaMigrations", "Query"],
            checks.Keys);
        Assert.Contains("latest 2024", checks["PrismaMigrations"].Detail);
        Assert.Contains("returned", checks["Query"].Detail);
        NoScratchDatabases(Source);
    }

    [Fact]
    public void AWrongAnswerFailsTheDrillWithAResultAndAnError()
    {
        var path = BackupOf(Source, "app");
        var result = Drill(path, "--query", "select count(*) from loans", "--expected", "-1");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("[BackupTestFailed]", result.Stderr);
        Assert.False(Checks(result)["Query"].Passed);
        NoScratchDatabases(Source);
    }

    [Fact]
    public void AnIsolatedDrillUsesAThrowawayContainerFromTheSameImage()
    {
        var path = BackupOf(Source, "rich");
        var containers = PostgresContainer.Docker(["ps", "-aq"]);
        var result = Drill(path, "--isolated");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("backupps-drill-", Assert.Single(BackupPsCli.JsonLines(result)).GetProperty("RestoredInto").GetString());
        Assert.True(Checks(result)["RestoredRows"].Passed);
        Assert.Equal(containers, PostgresContainer.Docker(["ps", "-aq"]));
        NoScratchDatabases(Source);
    }

    [Fact]
    public void ADamagedBackupFailsTheDrillAndLeavesNothing()
    {
        var copy = CopyOf(BackupOf(Source, "app"));
        using (var file = File.OpenWrite(copy))
        {
            file.Position = file.Length / 3;
            file.WriteByte(0x00);
            file.WriteByte(0xFF);
        }

        var result = Drill(copy);
        Assert.Equal(1, result.ExitCode);
        var checks = Checks(result);
        Assert.False(checks["Sha256"].Passed);
        NoScratchDatabases(Source);
    }

    [Fact]
    public void ADrillOfANewerMajorVersionReportsTheRestoreAsNotAttempted()
    {
        var path = BackupOf(servers.Pg17, "rich");
        var result = Drill(path, "--container", servers.Bare.Name);
        Assert.Equal(1, result.ExitCode);
        var checks = Checks(result);
        Assert.True(checks["Sha256"].Passed);
        Assert.StartsWith("not attempted", checks["Restore"].Detail);
        NoScratchDatabases(servers.Bare);
    }
}

/// <summary>
/// Restores interrupted mid-way on a CPU-capped server (so the interruption lands mid-restore):
/// a COPY session killed, the container stopped, Ctrl+C. After each the original is intact and no
/// scratch database remains (after a restart, the next drill drops the leftover).
/// </summary>
public sealed class RestoreInterruptionTests : IAsyncLifetime
{
    private readonly PostgresContainer _pg = new(scale: 30);
    private string _backup = "";
    private DatabaseFingerprint _original = null!;

    public async Task InitializeAsync()
    {
        await _pg.InitializeAsync();
        _backup = BackupOf(_pg, "app");
        _pg.Psql("create table marker (x int); insert into marker values (42)");
        _original = DatabaseFingerprint.Take(_pg, "app");
        PostgresContainer.Docker(["update", "--cpus", "0.1", _pg.Name]);
    }

    public Task DisposeAsync() => _pg.DisposeAsync();

    [Fact]
    public async Task AKilledCopySessionLeavesTheOriginalAndNoSideDatabase()
    {
        var run = StartReplace(_ => { });
        await WhenRestoringAsync();
        var killed = Pids(Restoring);
        foreach (var pid in killed)
        {
            ProcessRunner.Run("kill", ["-KILL", pid]);
        }

        var result = await run;
        Assert.True(result.ExitCode == 1, $"killed [{string.Join(",", killed)}]: {result}");
        Fails("RestoreFailed", result);
        Assert.Contains("killed", result.Stderr);
        DatabaseFingerprint.Take(_pg, "app").AssertSameAs(_original);
        NoScratchDatabases(_pg);
    }

    [Fact]
    public async Task CtrlCCancelsAndDropsTheSideDatabase()
    {
        Process? cli = null;
        var run = StartReplace(p => cli = p);
        await WhenRestoringAsync();
        ProcessRunner.Run("kill", ["-INT", cli!.Id.ToString(CultureInfo.InvariantCulture)]);
        var result = await run;
        Assert.Equal(1, result.ExitCode);
        Assert.True(result.Stderr.Contains("Cancelled", StringComparison.Ordinal), result.ToString());
        DatabaseFingerprint.Take(_pg, "app").AssertSameAs(_original);
        Assert.True(!Databases(_pg).Any(d => d.StartsWith("backupps_", StringComparison.Ordinal)), result.ToString());
        await Task.Delay(1000);
        Assert.Empty(Pids(Restoring));
        Assert.Empty(Pids("pg_restore"));
        // The restore's folder (TOC, list, FIFOs) is gone with it.
        Assert.DoesNotContain(".backupps-", PostgresContainer.Docker(["exec", _pg.Name, "ls", "-a", "/tmp"]));
    }

    [Fact]
    public async Task AContainerStoppedMidRestoreLeavesTheOriginalAndTheNextDrillCleansUp()
    {
        var run = StartReplace(_ => { });
        await WhenRestoringAsync();
        PostgresContainer.Docker(["stop", "-t", "5", _pg.Name]);
        var result = await run;
        Assert.Equal(1, result.ExitCode);
        // Depending on the moment, pg_restore or one of the checks after it notices first; either way one clear line.
        // A program starting in the container as it stops gives ContainerNotRunning.
        Assert.True(result.Stderr.Contains("stopped or restarted during the restore", StringComparison.Ordinal)
            || result.Stderr.Contains("the database system is shutting down", StringComparison.Ordinal)
            || result.Stderr.Contains("[ContainerNotRunning]", StringComparison.Ordinal), result.ToString());
        Assert.DoesNotContain("this is a bug", result.Stderr);

        PostgresContainer.Docker(["start", _pg.Name]);
        for (var i = 0; i < 300 && ProcessRunner.Run("docker", ["exec", _pg.Name, "pg_isready", "-q", "-U", PostgresContainer.User]).ExitCode != 0; i++)
        {
            await Task.Delay(100);
        }

        DatabaseFingerprint.Take(_pg, "app").AssertSameAs(_original);
        // The side database outlived its server's restart: the next operation there recognises and drops it.
        var drill = BackupPsCli.Run("test-backup", _backup, "--restore", "--json");
        Assert.True(drill.ExitCode == 0, drill.ToString());
        Assert.Contains("left behind by a restore or drill that was interrupted", drill.Stderr);
        NoScratchDatabases(_pg);
    }

    private Task<ProcessResult> StartReplace(Action<Process> started) =>
        BackupPsCli.RunAsync(null, started, "restore-database", _backup, "--replace", "--skip-safety-backup", "--force", "--json");

    /// <summary>A COPY session of the data load (the FIFO path: the tests run as root).</summary>
    private const string Restoring = "psql -X -w -q -b -v ON_ERROR_STOP=1 -f /tmp/.backupps-";

    /// <summary>Waits until the data load runs in the container: the side database exists and is being filled.</summary>
    private async Task WhenRestoringAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (Pids(Restoring).Length > 0)
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("the data load never started");
    }

    private string[] Pids(string program) => PostgresContainer.Docker(["top", _pg.Name, "-eo", "pid,args"])
        .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(line => line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        .Where(columns => columns is [_, var args] && args.StartsWith(program, StringComparison.Ordinal))
        .Select(columns => columns[0])
        .ToArray();
}
