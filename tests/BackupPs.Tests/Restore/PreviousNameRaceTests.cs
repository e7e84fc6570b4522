using System.Diagnostics;
using BackupPs.Core.Catalog;
using BackupPs.Core.Database;
using BackupPs.Core.Docker;
using BackupPs.Core.Restore;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.Restore;

/// <summary>
/// The replaced copy's name is chosen free, but another transaction can rename a database to it before the swap's
/// rename commits (two replaces of long names cut to the same prefix in one second): PostgreSQL then raises the
/// unique-constraint violation of pg_database's name index (23505), not "already exists", and the swap must take the
/// next free name instead of failing.
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed class PreviousNameRaceTests(SharedPostgresServer pg)
{
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
            var backup = new RecordingHost();
            await new BackupDatabaseHandler(() => new DockerClient(), clock).ExecuteAsync(
                new BackupDatabaseOptions { Container = pg.Name, Database = database, Environment = "dev", Path = Path.Combine(Path.GetTempPath(), "bps-race-" + id) },
                backup, CancellationToken.None);
            var path = Assert.IsType<BackupRecord>(Assert.Single(backup.Output)).Path;

            Task replace;
            var host = new RecordingHost();
            using (var holder = Process.Start(new ProcessStartInfo("docker", ["exec", "-i", "-e", "PGPASSWORD", pg.Name, "psql", "-X", "-q", "-U", PostgresContainer.User, "-d", "postgres"])
                   { RedirectStandardInput = true, RedirectStandardOutput = true, Environment = { ["PGPASSWORD"] = PostgresContainer.Password } })!)
            {
                // Another transaction renames a database to the name the swap will find free (its rename is not committed yet).
                holder.StandardInput.WriteLine($"begin; alter database {other} rename to \"{before}\";");
                holder.StandardInput.Flush();
                replace = new RestoreDatabaseHandler(() => new DockerClient(), clock).ExecuteAsync(
                    new RestoreDatabaseOptions { Path = path, Replace = true, KeepPrevious = true, SkipSafetyBackup = true }, host, CancellationToken.None);
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
}
