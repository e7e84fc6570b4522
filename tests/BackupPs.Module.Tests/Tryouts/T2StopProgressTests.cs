using System.Management.Automation;
using BackupPs.Module.Tests.Infrastructure;
using BackupPs.Module.Tests.Session;
using static BackupPs.Tests.Infrastructure.RunLeftovers;

namespace BackupPs.Module.Tests.Tryouts;

/// <summary>
/// Fresh-eyes tryouts (issue 10, progress): Ctrl+C (PowerShell.Stop()) in the middle of a backup or a restore drill
/// leaves its progress bars open: no Completed record for the outer bar nor for the phase's child bar, so a host that
/// draws them (a runbook host, VS Code, a hosted runspace) keeps showing "Dumping app" after the cmdlet ended.
/// Completing is possible after a stop (a script's finally block can Write-Progress -Completed), and the cmdlets already
/// complete every bar on failure.
/// </summary>
public sealed class T2StopProgressTests(StopTestServer fixture) : IClassFixture<StopTestServer>, IDisposable
{
    private readonly ModuleSession _session = ModuleSession.Start();
    private readonly string _store = Directory.CreateTempSubdirectory("bps-t2-stop-").FullName;

    [Theory]
    [InlineData("backup")]
    [InlineData("drill")]
    public void StopCompletesEveryProgressBar(string operation)
    {
        // Stopped where StopTests stops them: while the backup's partial file is written, while the drill database exists.
        var script = operation == "backup"
            ? "Backup-Database -Container $args[0] -Database app -Environment dev -Path $args[1]"
            : "$ConfirmPreference = 'None'; Test-Backup -Path $args[2] -Restore -Container $args[0]";
        Func<bool> reached = operation == "backup"
            ? () => PartialFiles(_store).Length > 0
            : () => ScratchDatabases(fixture.Server.Name).Length > 0;
        var result = _session.InvokeAndStopWhen(script, reached, fixture.Server.Name, _store, fixture.Backup);

        Assert.True(result.Stopped, $"{operation} ended before it was stopped");
        Assert.IsType<PipelineStoppedException>(result.Terminating);
        Assert.NotEmpty(result.Progress);
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
