using System.Diagnostics;
using System.Globalization;
using BackupPs.Tests.Infrastructure;
using Xunit;
using static BackupPs.Tests.EndToEnd.RestoreTestSupport;
using static BackupPs.Tests.Infrastructure.RunLeftovers;

namespace BackupPs.Tests.EndToEnd;

/// <summary>
/// A small server of its own for <see cref="InterruptionSweepTests"/>: everything BackupPs leaves in it
/// was left by these tests, so "nothing is left" can be asserted without looking at anyone else's.
/// Its CPU is capped so that each step of a restore lasts long enough to be caught.
/// </summary>
public sealed class InterruptionSweepServer : IAsyncLifetime
{
    public PostgresContainer Server { get; } = new(scale: 6);

    /// <summary>A backup of "app" in a store of its own.</summary>
    public string Backup { get; private set; } = "";

    /// <summary>How often a test made the server go through crash recovery on purpose (by killing a server process).</summary>
    public int DeliberateCrashes { get; set; }

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        // A table whose COPY lasts about a second on the capped CPU: the sessions of the fixture's own tables end within
        // a few hundred milliseconds, shorter than one poll of the host's /proc takes on a loaded 2-core CI machine.
        Server.Psql("create table public.sweep_rows as select g as id, md5(g::text) as text from generate_series(1, 150000) g", "app");
        Backup = BackupOf(Server, "app");
        PostgresContainer.Docker(["update", "--cpus", "0.5", Server.Name]);
    }

    /// <summary>
    /// How often the server went through crash recovery (a server process died abnormally and the postmaster ended
    /// every session), read from its log: pg_postmaster_start_time() does not change then.
    /// </summary>
    public int CrashRecoveries()
    {
        var log = ProcessRunner.Run("docker", ["logs", Server.Name]);
        return (log.Stdout + log.Stderr).Split('\n').Count(l => l.Contains("terminating any other active server processes", StringComparison.Ordinal));
    }

    public Task DisposeAsync() => Server.DisposeAsync();
}

/// <summary>
/// Every signal that ends a run (SIGINT as Ctrl+C, SIGTERM as systemd, SIGHUP as a closed SSH session,
/// SIGQUIT) stops a backup, a restore --replace, a drill and an --isolated drill at many points, and
/// afterwards nothing of that run is left: no backupps_* database, no .backupps-* file or folder in
/// the container, no drill container, no hidden partial file. After kill -9 (nothing can clean up then)
/// the next drill removes what the dead run left at once, and says so.
/// </summary>
public sealed class InterruptionSweepTests(InterruptionSweepServer fixture) : IClassFixture<InterruptionSweepServer>
{
    private PostgresContainer Pg => fixture.Server;

    /// <summary>A point of a run, polled until it is reached.</summary>
    public enum Milestone
    {
        PartialFile,
        ContainerFifo,
        SideDatabase,
        Workspace,
        CopyRunning,
        DrillContainer,
    }

    public static TheoryData<string, Milestone, string> Points() => new()
    {
        { "backup", Milestone.PartialFile, "HUP" },
        { "backup", Milestone.ContainerFifo, "TERM" },
        { "restore", Milestone.PartialFile, "HUP" },
        { "restore", Milestone.SideDatabase, "TERM" },
        { "restore", Milestone.Workspace, "INT" },
        { "restore", Milestone.CopyRunning, "HUP" },
        { "drill", Milestone.SideDatabase, "HUP" },
        { "drill", Milestone.Workspace, "QUIT" },
        { "drill", Milestone.CopyRunning, "TERM" },
        { "isolated", Milestone.DrillContainer, "INT" },
        { "isolated", Milestone.SideDatabase, "HUP" },
        { "isolated", Milestone.CopyRunning, "TERM" },
    };

    [Theory]
    [MemberData(nameof(Points))]
    public async Task ASignalAtAnyStepCancelsAndLeavesNothing(string operation, Milestone milestone, string signal)
    {
        var (run, cli, store) = Start(operation);
        var pid = (await cli.Task).Id;
        await WhenAsync(operation, milestone, pid, store, run);
        Signal(signal, pid);
        var result = await run;
        Assert.True(result.ExitCode == 1 && result.Stderr.Contains("backupps: Cancelled", StringComparison.Ordinal), result.ToString());
        Assert.DoesNotContain("this is a bug", result.Stderr);
        NothingLeft(pid, store, result);
    }

    [Theory]
    [InlineData("restore", 400, "TERM")]
    [InlineData("restore", 1200, "HUP")]
    [InlineData("drill", 700, "INT")]
    [InlineData("drill", 1600, "HUP")]
    [InlineData("isolated", 2500, "QUIT")]
    public async Task ASignalAfterAnyDelayLeavesNothing(string operation, int milliseconds, string signal)
    {
        var (run, cli, store) = Start(operation);
        var pid = (await cli.Task).Id;
        await Task.Delay(milliseconds);
        Signal(signal, pid);
        var result = await run;
        // Early enough the runtime is not up yet (the default action ends it), late enough the run has finished.
        Assert.DoesNotContain("this is a bug", result.Stderr);
        NothingLeft(pid, store, result);
    }

    [Fact]
    public async Task AfterKillDashNineOfADrillTheNextDrillRemovesItsDatabaseAndFolderAtOnce()
    {
        await KilledAtAsync("drill", Milestone.CopyRunning);
        Assert.Contains(ScratchDatabases(Pg.Name), d => d.StartsWith("backupps_drill_", StringComparison.Ordinal));
        Assert.NotEmpty(ScratchFiles(Pg.Name));

        var next = Drill();
        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Contains("left behind by a restore or drill that was interrupted", next.Stderr);
        Assert.Contains("left behind by a BackupPs run that was interrupted", next.Stderr);
        Assert.Empty(ScratchDatabases(Pg.Name));
        Assert.Empty(ScratchFiles(Pg.Name));
    }

    [Fact]
    public async Task AfterKillDashNineOfAnIsolatedDrillTheNextDrillRemovesItsContainer()
    {
        var pid = await KilledAtAsync("isolated", Milestone.SideDatabase);
        Assert.NotEmpty(DrillContainers(pid));

        var next = Drill();
        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Contains("left behind by a drill that was interrupted", next.Stderr);
        Assert.Empty(DrillContainers(pid));
    }

    [Fact]
    public async Task AServerThatCrashRestartedKeepsItsStartTimeAndTheLeftoverIsStillDroppedAtOnce()
    {
        await KilledAtAsync("drill", Milestone.SideDatabase);
        var started = Pg.Psql("select pg_postmaster_start_time()", "postgres");
        const string checkpointer = "select pid from pg_stat_activity where backend_type = 'checkpointer'";
        var before = Pg.Psql(checkpointer, "postgres");
        // A server process killed by SIGKILL makes the postmaster restart all of them (crash recovery), not the server.
        PostgresContainer.Docker(["exec", Pg.Name, "sh", "-c", "kill -KILL \"$0\"", before]);
        fixture.DeliberateCrashes++;
        await WaitAsync(() => ProcessRunner.Run("docker", ["exec", "-e", "PGPASSWORD=" + PostgresContainer.Password, Pg.Name, "psql", "-X", "-w", "-At",
            "-U", PostgresContainer.User, "-d", "postgres", "-c", checkpointer]) is { ExitCode: 0 } now && now.Stdout.Trim() is { Length: > 0 } pid2 && pid2 != before,
            "the server never came back");
        Assert.Equal(started, Pg.Psql("select pg_postmaster_start_time()", "postgres"));
        Assert.Contains(ScratchDatabases(Pg.Name), d => d.StartsWith("backupps_drill_", StringComparison.Ordinal));

        var next = Drill();
        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Empty(ScratchDatabases(Pg.Name));
        Assert.Empty(ScratchFiles(Pg.Name));
    }

    /// <summary>
    /// A cancelled exec's processes are stopped from the leaves up, each reaped by its own parent. In the postgres
    /// images the container's PID 1 is the postmaster: a process left to it (its parent ended first) and then
    /// killed is taken for a crashed server process, and the postmaster ends every session of every database.
    /// </summary>
    [Fact]
    public async Task ACancelledExecStopsItsProcessTreeWithoutCrashingTheServer()
    {
        using var docker = new Core.Docker.DockerClient();
        using var cancel = new CancellationTokenSource();
        // A tree of shells and their children, and one process already left to PID 1 (its subshell ended): that one
        // must not be signalled at all, it ends by itself.
        const string tree = "(sleep 60 &); sleep 3001 & sleep 3002 & sh -c 'sleep 3003 & sleep 3004 & wait' & wait";
        var exec = docker.ExecAsync(Pg.Name, new Core.Docker.ExecRequest { Cmd = ["sh", "-c", tree] }, Stream.Null, cancel.Token);
        await WaitAsync(() => (ContainerProcesses(Pg.Name, "sleep 300").Length == 4 && ContainerProcesses(Pg.Name, "sleep 60").Length == 1) || exec.IsCompleted, "the exec never started its processes");
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => exec);
        await WaitAsync(() => new[] { "sleep 300", "sh -c (sleep 60", "sh -c sleep 3003" }.Sum(p => ContainerProcesses(Pg.Name, p).Length) == 0, "the exec's processes still run");
        Assert.Single(ContainerProcesses(Pg.Name, "sleep 60"));
        ServerNeverCrashed("after a cancelled exec");
    }

    /// <summary>
    /// On the Docker API transport (an operator in the docker group) the COPY sessions read stdin that this
    /// process feeds: a session killed in the container makes that feed fail, and the failure is a restore
    /// failure with the session's words, never "unexpected IOException ... (this is a bug)".
    /// </summary>
    [Fact]
    public async Task AKilledCopySessionOnTheDockerApiTransportIsAFailedRestoreNotABug()
    {
        // One table big enough that its COPY is still running when the test looks (the server's CPU is capped).
        Pg.Psql("create database bulk", "postgres");
        Pg.Psql("create table rows_ as select g as id, md5(g::text) as text from generate_series(1, 300000) g", "bulk");
        var account = OperatorAccount.DockerGroupMember;
        var path = await OperatorBackupAsync(account, Pg, "bulk");
        var run = BackupPsCli.RunAsAsync(account, _ => { }, "restore-database", path, "--database", "bulk_api", "--json", "--force");
        // A COPY session on this transport reads stdin: psql without -f. Looked for through the host's /proc (fast enough to catch it).
        string[] Sessions() => ContainerProcesses(Pg.Name, "psql -X -w -q -b -v ON_ERROR_STOP=1").Where(p => !p.Args.Contains(" -f ", StringComparison.Ordinal))
            .Select(p => p.Pid).ToArray();
        await WaitAsync(() => Sessions().Length > 0 || run.IsCompleted, "no COPY session ever ran");
        foreach (var pid in Sessions())
        {
            ProcessRunner.Run("kill", ["-KILL", pid]);
        }

        var result = await run;
        Assert.DoesNotContain("this is a bug", result.Stderr);
        Assert.True(result.ExitCode == 1 && result.Stderr.Contains("[RestoreFailed]", StringComparison.Ordinal), result.ToString());
        Assert.Empty(ScratchDatabases(Pg.Name));
        Assert.DoesNotContain("bulk_api", Databases(Pg));
    }

    /// <summary>The store's folder removed while a backup is written into it: one clear line with a stable ErrorId, nothing kept.</summary>
    [Fact]
    public async Task AStoreFolderRemovedDuringABackupIsSaidInWords()
    {
        var (run, _, store) = Start("backup");
        await WaitAsync(() => PartialFiles(store!).Length > 0 || run.IsCompleted, "the backup never wrote");
        Assert.False(run.IsCompleted, "the backup ended before its partial file was seen");
        Directory.Delete(Path.Combine(store!, "dev"), recursive: true);
        var result = await run;
        Assert.DoesNotContain("this is a bug", result.Stderr);
        Fails("DestinationRemovedDuringRun", result);
        Assert.Empty(ScratchFiles(Pg.Name));
    }

    [Fact]
    public void ABackupFileThatVanishedIsSaidInWords()
    {
        var missing = Path.Combine(BackupTestHelpers.NewRoot(), "gone.dump.zst");
        var error = Assert.Throws<Core.Errors.BackupPsException>(() => Core.Verification.ArtifactVerifier.OpenBackup(missing, 4096));
        Assert.Equal("BackupFileNotFound", error.ErrorId);
    }

    /// <summary>Starts <paramref name="operation"/> and kills it with SIGKILL (nothing can clean up then) at <paramref name="milestone"/>; returns its pid.</summary>
    private async Task<int> KilledAtAsync(string operation, Milestone milestone)
    {
        var (run, cli, _) = Start(operation);
        var pid = (await cli.Task).Id;
        await WhenAsync(operation, milestone, pid, null, run);
        Signal("KILL", pid);
        await run;
        return pid;
    }

    private ProcessResult Drill() => BackupPsCli.Run("test-backup", fixture.Backup, "--restore", "--container", Pg.Name, "--json");

    private (Task<ProcessResult> Run, TaskCompletionSource<Process> Cli, string? Store) Start(string operation)
    {
        var cli = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        string? store = operation is "backup" or "restore" ? BackupTestHelpers.NewRoot() : null;
        string[] args = operation switch
        {
            "backup" => ["backup-database", "--container", Pg.Name, "--database", "app", "--environment", "dev", "--path", store!],
            // The safety backup goes to a store of its own: its partial file is one of the things that must not stay.
            "restore" => ["restore-database", fixture.Backup, "--container", Pg.Name, "--replace", "--force", "--safety-backup-path", store!],
            "drill" => ["test-backup", fixture.Backup, "--restore", "--container", Pg.Name],
            _ => ["test-backup", fixture.Backup, "--restore", "--isolated"],
        };
        return (BackupPsCli.RunAsync(null, cli.SetResult, [.. args, "--json"]), cli, store);
    }

    private static void Signal(string signal, int pid) => ProcessRunner.Run("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]);

    /// <summary>Polls until the run reached <paramref name="milestone"/>.</summary>
    private async Task WhenAsync(string operation, Milestone milestone, int pid, string? store, Task<ProcessResult> run)
    {
        string? Throwaway() => DrillContainers(pid).FirstOrDefault();
        string Target() => operation == "isolated" ? Throwaway() ?? "" : Pg.Name;
        Func<bool> reached = milestone switch
        {
            Milestone.PartialFile => () => PartialFiles(store!).Length > 0,
            Milestone.ContainerFifo => () => ScratchFiles(Pg.Name).Any(f => f.EndsWith(".fifo", StringComparison.Ordinal)),
            // The throwaway's superuser is the image's default one.
            Milestone.SideDatabase => () => Target().Length > 0 && ScratchDatabases(Target(), operation == "isolated" ? "postgres" : PostgresContainer.User).Length > 0,
            Milestone.Workspace => () => ScratchFiles(Target()).Any(f => !f.EndsWith(".fifo", StringComparison.Ordinal)),
            Milestone.CopyRunning => () => Target().Length > 0 && ContainerProcesses(Target(), "psql -X -w -q -b -v ON_ERROR_STOP=1 -f /tmp/.backupps-").Length > 0,
            _ => () => Throwaway() is not null,
        };
        await WaitAsync(() => reached() || run.IsCompleted, $"{operation} never reached {milestone}");
        Assert.False(run.IsCompleted, $"{operation} ended before {milestone}: {(run.IsCompleted ? run.Result.ToString() : "")}");
    }

    private static async Task WaitAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(5);
        }
    }

    private void NothingLeft(int pid, string? store, ProcessResult result)
    {
        var owner = $"run of pid {pid} (token {(Core.Leftovers.ResourceOwner.Current with { ProcessId = pid }).Token})";
        result = result with { Stderr = owner + "\n" + result.Stderr + "\nserver log:" + ProcessRunner.Run("docker", ["logs", "--tail", "20", Pg.Name]).Stderr };
        Assert.True(ScratchDatabases(Pg.Name).Length == 0, $"{string.Join(", ", ScratchDatabases(Pg.Name))} left: {result}");
        Assert.True(ScratchFiles(Pg.Name).Length == 0, $"{string.Join(", ", ScratchFiles(Pg.Name))} left: {result}");
        Assert.True(DrillContainers(pid).Length == 0, $"drill container left: {result}");
        Assert.True(store is null || PartialFiles(store).Length == 0, $"partial file left: {result}");
        // The database is there and accepts connections: the original, or the restored copy when the restore had finished.
        var app = ProcessRunner.Run("docker", ["exec", "-e", "PGPASSWORD=" + PostgresContainer.Password, Pg.Name, "psql", "-X", "-w", "-At", "-U", PostgresContainer.User, "-d", "app", "-c", "select 1"]);
        Assert.True(app.ExitCode == 0, $"{app}\n{result}");
        ServerNeverCrashed(result.ToString());
    }

    /// <summary>A stopped run never ends anyone else's sessions: the server did not go through crash recovery.</summary>
    private void ServerNeverCrashed(string context) =>
        Assert.True(fixture.CrashRecoveries() == fixture.DeliberateCrashes,
            $"the server went through crash recovery ({context})\nserver log:{ProcessRunner.Run("docker", ["logs", "--tail", "30", Pg.Name]).Stderr}");
}
