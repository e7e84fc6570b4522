using System.Diagnostics;
using System.Globalization;
using BackupPs.Tests.Infrastructure;
using Xunit;
using static BackupPs.Tests.EndToEnd.RestoreTestSupport;

namespace BackupPs.Tests.EndToEnd;

/// <summary>
/// Fresh-eyes cases of issue 9, kinds 1 and 4, found after the fixes: the owner check of leftovers and the
/// per-database operation lock. Waits are on conditions polled from the server.
/// </summary>
public sealed class LeftoversAndLockTryATests : IAsyncLifetime
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "backupps.dll");

    private readonly PostgresContainer _pg = new(scale: 0);

    public Task InitializeAsync() => _pg.InitializeAsync();

    public Task DisposeAsync() => _pg.DisposeAsync();

    /// <summary>
    /// A BackupPs that runs in its own PID namespace (in a container with --network host or --uts host, a
    /// systemd unit with PrivatePIDs, unshare) has this host's name and boot id but a process id this
    /// process cannot see: its drill database is not a leftover, and another drill must not drop it.
    /// </summary>
    [Fact]
    public async Task ADrillInAnotherPidNamespaceIsNotTakenForALeftover()
    {
        ProcessRunner.Require("unshare");
        var path = BackupOf(_pg, PostgresContainer.DatabaseName);
        var running = ProcessRunner.RunAsync("unshare", ["--pid", "--fork", "--mount-proc", "dotnet", Dll,
            "test-backup", path, "--restore", "--container", _pg.Name, "--query", "select count(*) = 1 from (select pg_catalog.pg_sleep(600)) s", "--json"]);
        var drill = "";
        WaitFor(() => (drill = _pg.Psql("select datname from pg_stat_activity where datname like 'backupps_drill_%' and query like '%pg_sleep(600)%'", "postgres")) != "",
            "the namespaced drill's query to run");

        var other = BackupPsCli.Run("test-backup", path, "--restore", "--container", _pg.Name, "--json");
        Assert.True(other.ExitCode == 0, other.ToString());
        var stillThere = _pg.Psql($"select count(*) from pg_database where datname = '{drill}'", "postgres");

        _pg.Psql($"select pg_cancel_backend(pid) from pg_stat_activity where datname = '{drill}'", "postgres");
        var first = await running;
        Assert.True(stillThere == "1", $"the other drill dropped the running drill's database {drill}:\n{other.Stderr}\nthe running drill: {first}");
        Assert.DoesNotContain("terminating connection due to administrator command", first.Stdout + first.Stderr);
        NoScratchDatabases(_pg);
    }

    /// <summary>
    /// The lock's session ended by hand (as DatabaseBusy's own message suggests) while its replace runs: the
    /// replace is no longer protected (a second replace could now start and both would swap, each reporting
    /// success), so it must notice and stop before it changes anything (DatabaseLockLost). Its idle psql does
    /// not notice a terminated connection until it sends something, so the lock looks held to the end.
    /// </summary>
    [Fact]
    public async Task AReplaceWhoseLockSessionWasTerminatedStopsBeforeTheSwap()
    {
        var database = "lk_" + Guid.NewGuid().ToString("N")[..8];
        _pg.Psql($"create database {database}", "postgres");
        _pg.Psql("create table t (id int); insert into t values (1), (2)", database);
        var path = BackupOf(_pg, database);

        // The first run's safety backup waits for a table lock, so it is deterministically mid-run.
        using var holder = Held(database, "begin; lock table t in access exclusive mode;");
        var first = BackupPsCli.RunAsync(null, _ => { }, "restore-database", path, "--database", database, "--replace", "--force", "--json");
        WaitFor(() => _pg.Psql($"select count(*) from pg_stat_activity where datname = '{database}' and wait_event_type = 'Lock'", "postgres") != "0",
            "the first run's safety backup to wait for the table lock");
        Assert.Equal("1", _pg.Psql("select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name like 'backupps restore-database pid %'", "postgres"));

        holder.StandardInput.WriteLine("commit;");
        holder.StandardInput.Close();
        var result = await first;

        Fails("DatabaseLockLost", result);
        Assert.Equal("t", _pg.Psql($"select datallowconn from pg_database where datname = '{database}'", "postgres"));
        Assert.Equal("2", _pg.Psql("select count(*) from t", database));
        NoScratchDatabases(_pg);
    }

    /// <summary>
    /// README, Restoring, step 8: the swap and the drop of the old copy run "as one psql script in the container, so it
    /// completes even if backupps is killed during it". Killed while its swap waits for a lock, the swap completes on
    /// its own, but the replaced copy (a whole database) stays for good: nothing drops it, and no later run does.
    /// </summary>
    [Fact]
    public async Task AReplaceKilledDuringItsSwapLeavesNoReplacedCopyBehind()
    {
        var database = "kc_" + Guid.NewGuid().ToString("N")[..8];
        _pg.Psql($"create database {database}", "postgres");
        _pg.Psql("create table t (id int); insert into t values (1), (2)", database);
        var path = BackupOf(_pg, database);
        _pg.Psql("insert into t values (99)", database);

        using (var holder = Held("postgres", $"begin; comment on database {database} is 'held';"))
        {
            Process? cli = null;
            var killed = BackupPsCli.RunAsync(null, p => cli = p, "restore-database", path, "--database", database, "--replace", "--force", "--skip-safety-backup", "--json");
            WaitFor(() => _pg.Psql("select count(*) from pg_stat_activity where query like 'DO $backupps_swap$%' and wait_event_type = 'Lock'", "postgres") == "1",
                "the swap to wait for the comment's lock");
            ProcessRunner.Run("kill", ["-KILL", cli!.Id.ToString(CultureInfo.InvariantCulture)]);
            await killed;
            holder.StandardInput.WriteLine("commit;");
            holder.StandardInput.Close();
        }

        WaitFor(() => _pg.Psql("select count(*) from pg_stat_activity where query like 'DO $backupps_swap$%'", "postgres") == "0", "the swap to end");
        Assert.Equal("2", _pg.Psql("select count(*) from t", database));

        // The next run on that server.
        var next = BackupPsCli.Run("test-backup", path, "--restore", "--container", _pg.Name, "--json");
        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.DoesNotContain(Databases(_pg), d => d.StartsWith(database + "_before_", StringComparison.Ordinal));
    }

    /// <summary>
    /// Kind 7: a -Jobs far beyond any machine is either capped or refused as bad usage, never an unexpected
    /// exception ("this is a bug": int.MaxValue) nor a wrong diagnosis (100000: "none of /tmp ... is writable",
    /// from "argument list too long"), and it leaves nothing behind.
    /// </summary>
    [Theory]
    [InlineData("2147483647")]
    [InlineData("100000")]
    public void AnAbsurdJobsCountIsCappedOrRefusedClearly(string jobs)
    {
        var path = BackupOf(_pg, PostgresContainer.DatabaseName);
        var database = "jobs_" + Guid.NewGuid().ToString("N")[..8];
        var result = BackupPsCli.Run("restore-database", path, "--database", database, "--container", _pg.Name, "--force", "--json", "--jobs", jobs);

        Assert.DoesNotContain("this is a bug", result.Stderr);
        Assert.DoesNotContain("RestoreStagingFailed", result.Stderr);
        Assert.True(result.ExitCode is 0 or 2, result.ToString());
        NoScratchDatabases(_pg);
        Assert.Equal("", PostgresContainer.Docker(["exec", _pg.Name, "sh", "-c", "ls -A /tmp /dev/shm /var/run/postgresql | grep '^.backupps-' || true"]).Trim());
    }

    /// <summary>A psql session in <paramref name="database"/> that ran <paramref name="sql"/> and stays idle in transaction until its stdin gets "commit;".</summary>
    private Process Held(string database, string sql)
    {
        var name = "held_" + Guid.NewGuid().ToString("N")[..8];
        var info = new ProcessStartInfo("docker") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "exec", "-i", "-e", "PGPASSWORD", "-e", "PGAPPNAME=" + name, _pg.Name, "psql", "-X", "-q", "-U", PostgresContainer.User, "-d", database })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["PGPASSWORD"] = PostgresContainer.Password;
        var process = Process.Start(info)!;
        process.StandardInput.WriteLine(sql);
        process.StandardInput.Flush();
        WaitFor(() => _pg.Psql($"select count(*) from pg_stat_activity where application_name = '{name}' and state = 'idle in transaction'", "postgres") == "1",
            "the held lock");
        return process;
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
}
