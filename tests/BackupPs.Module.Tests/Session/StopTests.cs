using System.Management.Automation;
using BackupPs.Module.Tests.Infrastructure;
using BackupPs.Tests.Infrastructure;
using static BackupPs.Tests.Infrastructure.RunLeftovers;

namespace BackupPs.Module.Tests.Session;

/// <summary>
/// A server of its own for <see cref="StopTests"/>, so that "nothing is left in it" can be asserted, with its CPU
/// capped so that each step of a backup, restore or drill lasts long enough to be caught.
/// </summary>
public sealed class StopTestServer : IAsyncLifetime
{
    public PostgresContainer Server { get; } = new(scale: 6);

    /// <summary>A backup of "app" in a store of its own.</summary>
    public string Backup { get; private set; } = "";

    public string Store { get; } = Directory.CreateTempSubdirectory("bps-stop-backup-").FullName;

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        using var session = ModuleSession.Start();
        Backup = (string)session.Invoke("(Backup-Database -Container $args[0] -Environment dev -Path $args[1]).Path", Server.Name, Store)
            .AssertSucceeded().Output.Single().BaseObject;
        PostgresContainer.Docker(["update", "--cpus", "0.5", Server.Name]);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(Store, recursive: true);
    }
}

/// <summary>
/// PowerShell.Stop() (what Ctrl+C does) at several points of Backup-Database, Restore-Database -Replace and
/// Test-Backup -Restore (-Isolated): the cmdlet ends with PipelineStoppedException, and nothing of the run is left:
/// no file of a stopped backup and no partial safety backup in the store, no scratch database, no scratch file or BackupPs process in the container,
/// no throwaway container, no progress bar left open; the database being replaced is still there.
/// </summary>
public sealed class StopTests(StopTestServer fixture) : IClassFixture<StopTestServer>, IDisposable
{
    private readonly ModuleSession _session = ModuleSession.Start();
    private readonly string _store = Directory.CreateTempSubdirectory("bps-stop-").FullName;

    private PostgresContainer Pg => fixture.Server;

    public static TheoryData<string, string> Points() => new()
    {
        { "backup", "start" },
        { "backup", "partial file" },
        { "restore", "start" },
        { "restore", "side database" },
        { "restore", "copy running" },
        { "drill", "side database" },
        { "isolated", "throwaway container" },
    };

    [Theory]
    [MemberData(nameof(Points))]
    public void StopLeavesNothingBehind(string operation, string point)
    {
        var script = operation switch
        {
            "backup" => "Backup-Database -Container $args[0] -Database app -Environment dev -Path $args[1]",
            // The safety backup goes to this test's store: its partial file must not stay either.
            "restore" => "Restore-Database -Path $args[2] -Container $args[0] -Replace -SafetyBackupPath $args[1] -Confirm:$false",
            "drill" => "Test-Backup -Path $args[2] -Restore -Container $args[0]",
            _ => "Test-Backup -Path $args[2] -Restore -Isolated",
        };
        Func<bool> reached = point switch
        {
            "start" => () => true,
            "partial file" => () => PartialFiles(_store).Length > 0,
            "side database" => () => ScratchDatabases(Pg.Name).Length > 0,
            "copy running" => () => ContainerProcesses(Pg.Name, "psql -X -w -q -b -v ON_ERROR_STOP=1 -f /tmp/.backupps-").Length > 0,
            _ => () => DrillContainers(Environment.ProcessId).Length > 0,
        };

        var result = _session.InvokeAndStopWhen(script, reached, Pg.Name, _store, fixture.Backup);

        Assert.True(result.Stopped, $"{operation} ended before {point}");
        Assert.IsType<PipelineStoppedException>(result.Terminating);
        // A stopped backup keeps nothing; a stopped restore keeps its safety backup only once it was complete.
        Assert.Empty(operation == "backup" ? Directory.GetFiles(_store, "*", SearchOption.AllDirectories) : PartialFiles(_store));
        Assert.Empty(ScratchDatabases(Pg.Name));
        Assert.Empty(ScratchFiles(Pg.Name));
        Assert.Empty(DrillContainers(Environment.ProcessId));
        foreach (var program in new[] { "pg_dump", "pg_restore", "psql -X -w" })
        {
            Assert.Empty(ContainerProcesses(Pg.Name, program));
        }

        Assert.Equal("1", Pg.Psql("select 1"));

        // Nor an open progress bar: a host that draws them (VS Code, a runbook host) would keep showing "Dumping app".
        // The partial file appears as the dump starts, possibly before the pipeline thread has shown any bar.
        if (point is not ("start" or "partial file"))
        {
            Assert.NotEmpty(result.Progress);
        }

        foreach (var bar in result.Progress.GroupBy(p => p.ActivityId))
        {
            Assert.True(bar.Last().RecordType == ProgressRecordType.Completed, $"'{bar.First().Activity}' was left open after Stop()");
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        Directory.Delete(_store, recursive: true);
    }
}
