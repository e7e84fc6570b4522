using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BackupPs.Tests.Infrastructure;
using Xunit;
using static BackupPs.Tests.EndToEnd.RestoreTestSupport;

namespace BackupPs.Tests.EndToEnd;

/// <summary>
/// Two operations on one database, the swap of -Replace under other sessions' locks, and databases that
/// cannot be swapped (issue 9, kinds 1, 2 and 5). After each, the database accepts connections, every kept
/// copy the output names exists, and no side database is left. Waits are on conditions polled from the
/// server; sessions that hold locks are psql processes the test keeps open.
/// </summary>
public sealed class ConcurrentReplaceTests : IAsyncLifetime
{
    private readonly PostgresContainer _pg = new(scale: 0);

    public Task InitializeAsync() => _pg.InitializeAsync();

    public Task DisposeAsync() => _pg.DisposeAsync();

    [Fact]
    public async Task OfTwoReplacesOfOneDatabaseOneRunsAndTheOtherIsRefused()
    {
        var (database, path) = NewDatabase();

        // Started together, a few times, with and without -KeepPrevious: each run replaces or is refused as busy.
        for (var pair = 0; pair < 3; pair++)
        {
            var runs = await Task.WhenAll(StartReplace(path, database, keepPrevious: pair % 2 == 0), StartReplace(path, database, keepPrevious: pair % 2 == 1));
            Assert.All(runs, r => Assert.True(r.ExitCode == 0 || r.Stderr.Contains("[DatabaseBusy]", StringComparison.Ordinal), r.ToString()));
            AssertSettled(database, runs);
        }

        // Deterministically overlapping: the first run's safety backup waits for a table lock while the second starts.
        for (var pair = 0; pair < 2; pair++)
        {
            ProcessResult first, second;
            using (var holder = HeldSession.Open(_pg, database, "begin; lock table t in access exclusive mode;"))
            {
                var running = StartReplace(path, database, keepPrevious: pair == 0, safetyBackup: true);
                WaitFor(() => _pg.Psql($"select count(*) from pg_stat_activity where datname = '{database}' and wait_event_type = 'Lock' and pid <> {holder.Pid}", "postgres") != "0",
                    "the first run's safety backup to wait for the table lock");
                second = await StartReplace(path, database, keepPrevious: pair == 1);
                holder.Release();
                first = await running;
            }

            var busy = Fails("DatabaseBusy", second);
            Assert.Contains("backupps restore-database pid ", busy.Stderr);
            // The holder runs: ending its lock session is not advised (only for an owner that is gone).
            Assert.DoesNotContain("pg_terminate_backend(", busy.Stderr);
            Succeeds(first);
            AssertSettled(database, [first, second]);
        }
    }

    [Fact]
    public async Task ASwapBlockedByAnotherSessionsLockFailsBoundedAndNamesIt()
    {
        var (database, path) = NewDatabase();
        _pg.Psql("insert into t values (99)", database);
        ProcessResult result;
        string blocker;
        using (var holder = HeldSession.Open(_pg, "postgres", $"begin; comment on database {database} is 'held';"))
        {
            blocker = holder.Pid;
            result = await StartReplace(path, database, keepPrevious: false);
        }

        var failed = Fails("RestoreFailed", result);
        Assert.Contains("lock timeout", failed.Stderr);
        Assert.Contains($"process {blocker} ", failed.Stderr);
        Assert.Contains($"pg_terminate_backend({blocker})", failed.Stderr);
        Assert.DoesNotContain("current transaction is aborted", failed.Stderr);
        AssertSettled(database, [result], rows: "3");
    }

    [Fact]
    public async Task AKilledRunReleasesItsLockAndASwapItStartedFinishesOnItsOwn()
    {
        var (database, path) = NewDatabase();

        // Killed while holding the lock (its safety backup waits): the next run is not refused.
        using (var holder = HeldSession.Open(_pg, database, "begin; lock table t in access exclusive mode;"))
        {
            Process? cli = null;
            var killed = StartReplace(path, database, keepPrevious: false, safetyBackup: true, started: p => cli = p);
            WaitFor(() => LockSessions() == "1", "the first run's operation lock");
            ProcessRunner.Run("kill", ["-KILL", cli!.Id.ToString(CultureInfo.InvariantCulture)]);
            await killed;
            WaitFor(() => LockSessions() == "0", "the killed run's lock session to end");
        }

        Succeeds(await StartReplace(path, database, keepPrevious: false));
        AssertSettled(database, []);

        // Killed while its swap waits for a lock: the swap goes on in the container and completes once the lock is free.
        _pg.Psql("insert into t values (99)", database);
        using (var holder = HeldSession.Open(_pg, "postgres", $"begin; comment on database {database} is 'held';"))
        {
            Process? cli = null;
            var killed = StartReplace(path, database, keepPrevious: false, started: p => cli = p);
            WaitFor(() => SwapsWaiting() == "1", "the swap to wait for the comment's lock");
            ProcessRunner.Run("kill", ["-KILL", cli!.Id.ToString(CultureInfo.InvariantCulture)]);
            await killed;
        }

        WaitFor(() => _pg.Psql("select count(*) from pg_stat_activity where query like 'DO $backupps_swap$%'", "postgres") == "0", "the swap to end");
        Assert.Equal("2", _pg.Psql("select count(*) from t", database));
        Assert.Equal("t", _pg.Psql($"select datallowconn from pg_database where datname = '{database}'", "postgres"));
        NoScratchDatabases(_pg);
    }

    [Fact]
    public async Task CtrlCDuringTheSwapWaitsForIt()
    {
        var (database, path) = NewDatabase();
        _pg.Psql("insert into t values (99)", database);
        ProcessResult result;
        using (var holder = HeldSession.Open(_pg, "postgres", $"begin; comment on database {database} is 'held';"))
        {
            Process? cli = null;
            var run = StartReplace(path, database, keepPrevious: true, started: p => cli = p);
            WaitFor(() => SwapsWaiting() == "1", "the swap to wait for the comment's lock");
            ProcessRunner.Run("kill", ["-INT", cli!.Id.ToString(CultureInfo.InvariantCulture)]);
            holder.Release();
            result = await run;
        }

        Assert.DoesNotContain("OperationCanceledException", result.Stderr);
        var record = Succeeds(result);
        Assert.Equal("2", _pg.Psql("select count(*) from t", database));
        Assert.Equal("3", _pg.Psql("select count(*) from t", record.GetProperty("PreviousDatabase").GetString()!));
        AssertSettled(database, [result]);
    }

    [Fact]
    public void WhatCannotBeSwappedIsRefusedBeforeAnyWork()
    {
        var (_, path) = NewDatabase();
        var root = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(path)))!;
        _pg.Psql("create database tpl is_template true", "postgres");
        _pg.Psql("create database offline allow_connections false", "postgres");
        var files = BackupTestHelpers.Files(root);
        var before = Databases(_pg);

        Assert.Contains("maintenance database", Fails("MaintenanceDatabaseReplace", RunRestore(path, "--replace", "--database", "postgres")).Stderr);
        Assert.Contains("IS_TEMPLATE false", Fails("TemplateDatabaseReplace", RunRestore(path, "--replace", "--database", "tpl")).Stderr);
        Fails("TemplateDatabaseReplace", RunRestore(path, "--replace", "--database", "template1"));
        Assert.Contains("ALLOW_CONNECTIONS true", Fails("DatabaseNotAcceptingConnections", RunRestore(path, "--replace", "--database", "offline")).Stderr);
        Fails("ReservedDatabaseName", RunRestore(path, "--database", "backupps_side_20260101000000_abcdef"), exitCode: 2);

        Assert.Equal(files, BackupTestHelpers.Files(root));
        Assert.Equal(before, Databases(_pg));
        Assert.Equal("t", _pg.Psql("select datallowconn from pg_database where datname = 'postgres'", "postgres"));
        Assert.Equal("0", LockSessions());
    }

    /// <summary>
    /// The swap's own session terminated by hand while it waits: the swap rolled back, and the run says so truthfully
    /// (RestoreFailed, the database left as it was, the JSON record), not "psql failed with exit code 2" alone.
    /// </summary>
    [Fact]
    public async Task ASwapWhoseSessionIsTerminatedIsReportedAsNotSwapped()
    {
        var (database, path) = NewDatabase();
        _pg.Psql("insert into t values (99)", database);
        ProcessResult result;
        using (var holder = HeldSession.Open(_pg, "postgres", $"begin; comment on database {database} is 'held';"))
        {
            var run = StartReplace(path, database, keepPrevious: false);
            WaitFor(() => SwapsWaiting() == "1", "the swap to wait for the comment's lock");
            Assert.Equal("1", _pg.Psql("select count(pg_terminate_backend(pid)) from pg_stat_activity where query like 'DO $backupps_swap$%'", "postgres"));
            result = await run;
        }

        var failed = Fails("RestoreFailed", result);
        Assert.Contains($"{database} was left as it was", failed.Stderr);
        Assert.DoesNotContain("[DatabaseUnavailable]", failed.Stderr);
        var record = Assert.Single(BackupPsCli.JsonLines(result));
        Assert.False(record.GetProperty("Succeeded").GetBoolean());
        AssertSettled(database, [result], rows: "3");
        Assert.DoesNotContain(Databases(_pg), d => d.StartsWith(database + "_before_", StringComparison.Ordinal));
    }

    /// <summary>-WhatIf only shows the plan: it takes no lock, so it shows it while another restore of the database runs.</summary>
    [Fact]
    public async Task WhatIfShowsThePlanWhileAnotherRestoreHoldsTheLock()
    {
        var (database, path) = NewDatabase();
        ProcessResult plan;
        using (var holder = HeldSession.Open(_pg, database, "begin; lock table t in access exclusive mode;"))
        {
            var running = StartReplace(path, database, keepPrevious: false, safetyBackup: true);
            WaitFor(() => LockSessions() == "1", "the running restore's operation lock");
            plan = BackupPsCli.Run("restore-database", path, "--database", database, "--replace", "--what-if");
            Assert.Equal("1", LockSessions());
            holder.Release();
            Succeeds(await running);
        }

        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains("What if:", plan.Stdout);
        Assert.Contains($"rename it to {database}_before_", plan.Stdout);
        Assert.DoesNotContain("DatabaseBusy", plan.Stderr);
        AssertSettled(database, []);
    }

    /// <summary>
    /// A safety backup that cannot be written says that it was the safety backup, that nothing was changed, and names
    /// restore-database's -SafetyBackupPath (it has no -Path to choose another of); the ErrorIds stay the storage ones.
    /// </summary>
    [Fact]
    public void ASafetyBackupThatCannotBeWrittenNamesSafetyBackupPathAndChangesNothing()
    {
        var (database, path) = NewDatabase();
        var file = Path.Combine(BackupTestHelpers.NewRoot(), "a-file");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, "not a folder");
        var before = Databases(_pg);

        var failed = Fails("DestinationIsFile", BackupPsCli.Run("restore-database", path, "--database", database, "--replace", "--force", "--safety-backup-path", file), exitCode: 2);
        Assert.Contains("safety backup", failed.Stderr);
        Assert.Contains("nothing was changed", failed.Stderr);
        Assert.Contains("--safety-backup-path", failed.Stderr);
        Assert.DoesNotContain("to -Path", failed.Stderr);
        Assert.DoesNotContain("another -Path", failed.Stderr);
        Assert.Equal(before, Databases(_pg));
        AssertSettled(database, []);
    }

    /// <summary>-Jobs beyond what a server can serve is refused as bad usage before any work.</summary>
    [Fact]
    public void TooManyJobsAreRefusedBeforeAnyWork()
    {
        var (database, path) = NewDatabase();
        var before = Databases(_pg);
        var failed = Fails("ParameterArgumentValidationError", RunRestore(path, "--database", database + "_new", "--jobs", "65"), exitCode: 2);
        Assert.Contains("from 0 to 64", failed.Stderr);
        Assert.Equal(before, Databases(_pg));
        Assert.Equal("0", LockSessions());
    }

    /// <summary>A small database of its own and a backup of it (2 rows in t).</summary>
    private (string Database, string Path) NewDatabase()
    {
        var database = "swap_" + Guid.NewGuid().ToString("N")[..8];
        _pg.Psql($"create database {database}", "postgres");
        _pg.Psql("create table t (id int); insert into t values (1), (2)", database);
        return (database, BackupOf(_pg, database));
    }

    private static Task<ProcessResult> StartReplace(string path, string database, bool keepPrevious, bool safetyBackup = false, Action<Process>? started = null) =>
        BackupPsCli.RunAsync(null, started ?? (_ => { }),
            ["restore-database", path, "--database", database, "--replace", "--force", "--json",
             .. keepPrevious ? new[] { "--keep-previous" } : [], .. safetyBackup ? Array.Empty<string>() : ["--skip-safety-backup"]]);

    private string LockSessions() =>
        _pg.Psql("select count(*) from pg_stat_activity where application_name like 'backupps restore-database pid %'", "postgres");

    private string SwapsWaiting() =>
        _pg.Psql("select count(*) from pg_stat_activity where query like 'DO $backupps_swap$%' and wait_event_type = 'Lock'", "postgres");

    /// <summary>The database accepts connections and has <paramref name="rows"/> rows, every kept copy a run named exists, and nothing of BackupPs's is left.</summary>
    private void AssertSettled(string database, IEnumerable<ProcessResult> runs, string rows = "2")
    {
        Assert.Equal("t", _pg.Psql($"select datallowconn from pg_database where datname = '{database}'", "postgres"));
        Assert.Equal(rows, _pg.Psql("select count(*) from t", database));
        foreach (var run in runs.Where(r => r.ExitCode == 0))
        {
            var record = Assert.Single(BackupPsCli.JsonLines(run));
            if (record.GetProperty("PreviousDatabase") is { ValueKind: JsonValueKind.String } kept)
            {
                Assert.Contains(kept.GetString(), Databases(_pg));
                Assert.Equal("t", _pg.Psql($"select datallowconn from pg_database where datname = '{kept.GetString()}'", "postgres"));
            }
        }

        NoScratchDatabases(_pg);
        WaitFor(() => LockSessions() == "0", "every operation lock to be released");
    }

    private static void WaitFor(Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "timed out waiting for " + what);
            Thread.Sleep(100);
        }
    }

    /// <summary>A psql session in the container, kept open (its stdin) with what it ran, until released.</summary>
    private sealed class HeldSession : IDisposable
    {
        private readonly Process _process;

        private HeldSession(Process process, string pid)
        {
            _process = process;
            Pid = pid;
        }

        /// <summary>The session's server process id.</summary>
        public string Pid { get; }

        public static HeldSession Open(PostgresContainer pg, string database, string sql)
        {
            var name = "held_" + Guid.NewGuid().ToString("N")[..8];
            var info = new ProcessStartInfo("docker") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "exec", "-i", "-e", "PGPASSWORD", "-e", "PGAPPNAME=" + name, pg.Name, "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-U", PostgresContainer.User, "-d", database })
            {
                info.ArgumentList.Add(arg);
            }

            info.Environment["PGPASSWORD"] = PostgresContainer.Password;
            var process = Process.Start(info)!;
            process.StandardInput.WriteLine(sql);
            process.StandardInput.Flush();
            var pid = "";
            WaitFor(() => (pid = pg.Psql($"select pid from pg_stat_activity where application_name = '{name}' and state = 'idle in transaction'", "postgres")) != "",
                "the held session");
            return new HeldSession(process, pid);
        }

        /// <summary>Ends the session (EOF on psql's stdin rolls its transaction back).</summary>
        public void Release()
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();
                _process.WaitForExit();
            }
        }

        public void Dispose()
        {
            Release();
            _process.Dispose();
        }
    }
}
