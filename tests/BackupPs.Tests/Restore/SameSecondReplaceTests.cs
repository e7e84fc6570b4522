using System.Diagnostics;
using BackupPs.Core.Catalog;
using BackupPs.Core.Database;
using BackupPs.Core.Docker;
using BackupPs.Core.Restore;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.Restore;

/// <summary>
/// Restore-Database -Replace names the replaced copy &lt;db&gt;_before_&lt;UTC second&gt;: replaces of one database in
/// the same second must each get their own name, and none may take another's copy for its own, also when another
/// transaction takes the chosen name meanwhile.
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed class SameSecondReplaceTests(SharedPostgresServer pg)
{
    [Fact]
    public async Task ReplacesInTheSameSecondEachKeepOrDropOnlyTheirOwnPreviousCopy()
    {
        var database = "twice_" + Guid.NewGuid().ToString("N")[..8];
        pg.Psql($"create database {database}", "postgres");
        pg.Psql("create table t(id int); insert into t values (1), (2)", database);
        var clock = PinnedClock.ThisSecond();
        var before = RestoreDatabaseHandler.PreviousName(database, clock.GetUtcNow());
        try
        {
            var path = await BackUpAsync(clock, database);

            var first = await ReplaceAsync(clock, path, keepPrevious: true);
            Assert.Equal(before, first.PreviousDatabase);

            // The second replace must not take the first one's kept copy for its own: it used to fail to rename,
            // report success anyway, and leave the marker row in place.
            pg.Psql("insert into t values (3)", database);
            var second = await ReplaceAsync(clock, path, keepPrevious: true);
            Assert.Equal(before + "_2", second.PreviousDatabase);
            Assert.Equal("2", pg.Psql("select count(*) from t", database).Trim());
            Assert.Equal("3", pg.Psql("select count(*) from t", before + "_2").Trim());

            // Without -KeepPrevious it drops its own previous copy, never one of the kept ones.
            var third = await ReplaceAsync(clock, path, keepPrevious: false);
            Assert.Null(third.PreviousDatabase);
            Assert.Equal("2", pg.Psql("select count(*) from t", before).Trim());
            Assert.Equal("3", pg.Psql("select count(*) from t", before + "_2").Trim());
            Assert.Equal("0", pg.Psql($"select count(*) from pg_database where datname = '{before}_3'", "postgres").Trim());
        }
        finally
        {
            foreach (var name in new[] { database, before, before + "_2", before + "_3" })
            {
                pg.Psql($"drop database if exists \"{name}\" with (force)", "postgres");
            }
        }
    }

    /// <summary>
    /// The replaced copy's name is chosen free, but another transaction can rename a database to it before the swap's
    /// rename commits (two replaces of long names cut to the same prefix in one second): PostgreSQL then raises the
    /// unique-constraint violation of pg_database's name index (23505), not "already exists", and the swap must take
    /// the next free name instead of failing.
    /// </summary>
    [Fact]
    public async Task ASwapWhoseChosenNameIsTakenMeanwhileTakesTheNextFreeName()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var (database, other) = ("race_" + id, "race_other_" + id);
        pg.Psql($"create database {database}", "postgres");
        pg.Psql($"create database {other}", "postgres");
        pg.Psql("create table t(id int); insert into t values (1), (2)", database);
        var clock = PinnedClock.ThisSecond();
        var before = RestoreDatabaseHandler.PreviousName(database, clock.GetUtcNow());
        try
        {
            var path = await BackUpAsync(clock, database);

            Task replace;
            var host = new RecordingHost();
            using (var holder = Process.Start(new ProcessStartInfo("docker", ["exec", "-i", "-e", "PGPASSWORD", pg.Name, "psql", "-X", "-q", "-U", PostgresContainer.User, "-d", "postgres"])
                   { RedirectStandardInput = true, RedirectStandardOutput = true, Environment = { ["PGPASSWORD"] = PostgresContainer.Password } })!)
            {
                // Another transaction renames a database to the name the swap will find free (its rename is not committed yet).
                holder.StandardInput.WriteLine($"begin; alter database {other} rename to \"{before}\";");
                holder.StandardInput.Flush();
                replace = new RestoreDatabaseHandler(() => new DockerClient(), clock).ExecuteAsync(
                    new RestoreDatabaseOptions { Path = [path], Replace = true, KeepPrevious = true, SkipSafetyBackup = true }, host, CancellationToken.None);
                var watch = Stopwatch.StartNew();
                while (pg.Psql("select count(*) from pg_stat_activity where query like 'DO $backupps_swap$%' and wait_event_type = 'Lock'", "postgres").Trim() != "1")
                {
                    Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60) && !replace.IsCompleted, "the swap did not wait for the other rename");
                    Thread.Sleep(100);
                }

                holder.StandardInput.WriteLine("commit;");
                holder.StandardInput.Close();
                holder.WaitForExit();
            }

            await replace;
            Assert.Empty(host.Errors);
            var record = Assert.IsType<RestoreRecord>(Assert.Single(host.Output));
            Assert.True(record.Succeeded);
            Assert.Equal(before + "_2", record.PreviousDatabase);
            Assert.Equal("2", pg.Psql("select count(*) from t", before + "_2").Trim());
            Assert.Equal("1", pg.Psql($"select count(*) from pg_database where datname = '{before}'", "postgres").Trim());
        }
        finally
        {
            foreach (var name in new[] { database, other, before, before + "_2" })
            {
                pg.Psql($"drop database if exists \"{name}\" with (force)", "postgres");
            }
        }
    }

    private static async Task<RestoreRecord> ReplaceAsync(PinnedClock clock, string path, bool keepPrevious)
    {
        var host = new RecordingHost();
        await new RestoreDatabaseHandler(() => new DockerClient(), clock).ExecuteAsync(
            new RestoreDatabaseOptions { Path = [path], Replace = true, KeepPrevious = keepPrevious, SkipSafetyBackup = true }, host, CancellationToken.None);
        Assert.Empty(host.Errors);
        var record = Assert.IsType<RestoreRecord>(Assert.Single(host.Output));
        Assert.True(record.Succeeded);
        return record;
    }

    private async Task<string> BackUpAsync(PinnedClock clock, string database)
    {
        var root = Path.Combine(Path.GetTempPath(), "bps-replace-" + Guid.NewGuid().ToString("N")[..8]);
        var backup = new RecordingHost();
        await new BackupDatabaseHandler(() => new DockerClient(), clock).ExecuteAsync(
            new BackupDatabaseOptions { Container = pg.Name, Database = database, Environment = "prod", Path = root }, backup, CancellationToken.None);
        return Assert.IsType<BackupRecord>(Assert.Single(backup.Output)).Path;
    }
}
