using System.Diagnostics;
using System.Globalization;
using BackupPs.Tests.Infrastructure;
using Xunit;
using static BackupPs.Tests.EndToEnd.RestoreTestSupport;

namespace BackupPs.Tests.EndToEnd;

/// <summary>
/// Issue 9, kinds 4 and 7: what a stopped or killed run could not remove is named truthfully, bounded in time,
/// and removed by the next run. Sessions that block BackupPs are DO blocks whose text does not name the
/// scratch database (so BackupPs's cleanup does not end them); they are ended by hand at the end.
/// </summary>
public sealed class StoppedRunLeftoversTests : IAsyncLifetime
{
    private readonly PostgresContainer _pg = new(scale: 0);

    public Task InitializeAsync() => _pg.InitializeAsync();

    public Task DisposeAsync() => _pg.DisposeAsync();

    /// <summary>
    /// SIGTERM to a drill whose database cannot be dropped (another session holds a lock on it): the CLI must not
    /// claim that what the run created was removed, it names what is left, and its cleanup is bounded (it does not wait
    /// 2 minutes for the lock); nothing is left after the next drill (the DROP that was waiting may also complete on its own).
    /// </summary>
    [Fact]
    public async Task AStoppedDrillWhoseDatabaseCannotBeDroppedSaysSo()
    {
        var path = BackupOf(_pg, PostgresContainer.DatabaseName);
        Process? cli = null;
        var stopped = BackupPsCli.RunAsync(null, p => cli = p, "test-backup", path, "--restore", "--container", _pg.Name,
            "--query", "select count(*) = 1 from (select pg_catalog.pg_sleep(600)) s", "--json");
        var drill = "";
        WaitFor(() => (drill = _pg.Psql("select datname from pg_stat_activity where datname like 'backupps_drill_%' and query like '%pg_sleep(600)%'", "postgres")) != "",
            "the drill's query to run");
        var holder = Hold("COMMENT ON DATABASE %I IS 'held'", "(SELECT datname FROM pg_catalog.pg_database WHERE datname LIKE 'backupps_drill_%')");

        ProcessRunner.Run("kill", ["-TERM", cli!.Id.ToString(CultureInfo.InvariantCulture)]);
        var result = await stopped;
        Release();
        await holder;

        Assert.Contains($"Could not drop the database {drill}", result.Stderr);
        Assert.DoesNotContain("what the run had created was removed", result.Stderr);
        Assert.Contains($"backupps: Cancelled; could not remove the database {drill} in {_pg.Name} (see the warnings above)", result.Stderr);
        Assert.Equal(1, result.ExitCode);

        var next = BackupPsCli.Run("test-backup", path, "--restore", "--container", _pg.Name, "--json");
        Assert.True(next.ExitCode == 0, next.ToString());
        NoScratchDatabases(_pg);
    }

    /// <summary>
    /// A backup killed with kill -9 leaves its hidden partial file; it names its owner, so the next backup into that
    /// folder removes it at once (not a day later), and nothing else in the folder.
    /// </summary>
    [Fact]
    public async Task APartialFileOfAKilledBackupIsRemovedByTheNextBackupIntoItsFolder()
    {
        var root = BackupTestHelpers.NewRoot();
        _pg.Psql("create table if not exists held (id int)");
        var holder = Hold("LOCK TABLE public.%I IN ACCESS EXCLUSIVE MODE", "'held'", PostgresContainer.DatabaseName);
        Process? cli = null;
        var killed = BackupPsCli.RunAsync(null, p => cli = p, "backup-database", "--container", _pg.Name, "--database", PostgresContainer.DatabaseName,
            "--environment", "dev", "--path", root, "--json");
        WaitFor(() => _pg.Psql("select count(*) from pg_stat_activity where application_name = 'BackupPs' and wait_event_type = 'Lock'", "postgres") != "0"
                      && Partials(root).Length == 1, "the backup's pg_dump to wait for the table lock, its partial file written");
        var partial = Partials(root)[0];
        ProcessRunner.Run("kill", ["-KILL", cli!.Id.ToString(CultureInfo.InvariantCulture)]);
        await killed;
        Release();
        await holder;
        var bystander = Path.Combine(Path.GetDirectoryName(partial)!, ".notes.partial");
        File.WriteAllText(bystander, "not BackupPs's");

        var next = BackupPsCli.Run("backup-database", "--container", _pg.Name, "--database", PostgresContainer.DatabaseName, "--environment", "dev", "--path", root, "--json");
        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Contains($"Removed {partial}", next.Stderr);
        Assert.Equal([bystander], Partials(root));
    }

    private static string[] Partials(string root) => Directory.GetFiles(root, "*.partial", SearchOption.AllDirectories);

    /// <summary>
    /// A session in <paramref name="database"/> that runs <paramref name="statement"/> (a format string, %I for what the SQL expression
    /// <paramref name="name"/> gives, so that the session's query text does not name it) and keeps its lock until <see cref="Release"/>;
    /// it returns once the lock is held.
    /// </summary>
    private Task<Exception?> Hold(string statement, string name, string database = "postgres")
    {
        var sql = $"DO $held$ BEGIN EXECUTE pg_catalog.format('{statement.Replace("'", "''", StringComparison.Ordinal)}', {name}); PERFORM pg_catalog.pg_sleep(600); END $held$";
        var session = Task.Run<Exception?>(() => Record.Exception(() => _pg.Psql(sql, database)));
        WaitFor(() => _pg.Psql("select count(*) from pg_stat_activity where query like 'DO $held$%' and wait_event = 'PgSleep'", "postgres") == "1", "the held lock");
        return session;
    }

    private void Release() =>
        _pg.Psql("select count(pg_catalog.pg_terminate_backend(pid)) from pg_stat_activity where query like 'DO $held$%'", "postgres");
}
