using BackupPs.Tests.Infrastructure;
using Xunit;
using static BackupPs.Tests.EndToEnd.RestoreTestSupport;

namespace BackupPs.Tests.EndToEnd;

/// <summary>
/// Faults found by a fresh-eyes try of issue 9's kinds 1, 2 and 5 (try B): what a replace does to a
/// server without the postgres database, and to what belongs to a database beyond its name and data
/// (logical replication slots and subscriptions, bound to the database's OID).
/// </summary>
public sealed class ReplaceEdgeCasesTryBTests
{
    /// <summary>
    /// Without the postgres database the maintenance database is template1 (README), but the first failed connection
    /// to postgres lists the databases through postgres again, which fails the same way, without end: the run hangs and
    /// opens a failing connection every few milliseconds. It must restore, through template1.
    /// </summary>
    [Fact]
    public async Task ARestoreIntoAServerWithoutThePostgresDatabaseEnds()
    {
        await using var pg = new PostgresContainer(scale: 0);
        await pg.InitializeAsync();
        pg.Psql("create table t (id int); insert into t values (1), (2)");
        var path = BackupOf(pg, PostgresContainer.DatabaseName);
        pg.Psql("drop database postgres");

        var result = BackupPsCli.RunWithin(TimeSpan.FromMinutes(2), "restore-database", path, "--replace", "--force", "--json");

        Succeeds(result);
        Assert.Equal("2", pg.Psql("select count(*) from t"));
        // The same recursion explained any missing database: a backup of one now ends, listing what exists through template1.
        var missing = Fails("DatabaseNotFound", BackupPsCli.RunWithin(TimeSpan.FromMinutes(2), "backup-database", "--container", pg.Name, "--database", "nosuch",
            "--environment", "dev", "--path", BackupTestHelpers.NewRoot(), "--json"));
        Assert.Contains($"databases there: {PostgresContainer.DatabaseName}", missing.Stderr);
        // A drill connects the same way.
        var drill = BackupPsCli.RunWithin(TimeSpan.FromMinutes(2), "test-backup", path, "--restore", "--json");
        Assert.True(drill.ExitCode == 0, drill.ToString());
        Assert.Equal("0", pg.Psql("select count(*) from pg_database where datname like 'backupps%'", "template1"));
    }

    /// <summary>
    /// A logical replication slot belongs to the database's OID: the swap moves it to the replaced copy, and dropping
    /// that copy drops the slot without a word (a CDC consumer's position is gone). A replace must not destroy it
    /// silently: refuse before any work, as for the other things that cannot be swapped.
    /// </summary>
    [Fact]
    public async Task AReplaceDoesNotSilentlyDropTheDatabasesReplicationSlot()
    {
        await using var pg = new PostgresContainer(scale: 0, command: ["postgres", "-c", "wal_level=logical"]);
        await pg.InitializeAsync();
        pg.Psql("create table t (id int); insert into t values (1), (2)");
        var path = BackupOf(pg, PostgresContainer.DatabaseName);
        pg.Psql("select pg_create_logical_replication_slot('cdc', 'test_decoding')");

        var result = RunRestore(path, "--replace");

        Assert.NotEqual(0, result.ExitCode);
        Fails("ReplicationSlotReplace", result);
        Assert.Contains("'cdc'", result.Stderr);
        Assert.Equal("app", pg.Psql("select d.datname from pg_replication_slots s join pg_database d on d.oid = s.datoid where s.slot_name = 'cdc'", "postgres"));
    }

    /// <summary>
    /// A subscription keeps the replaced copy from being dropped: the run reports success with no kept copy
    /// (PreviousDatabase null) while app_before_* stays, and the warning says "the next restore or drill there drops it",
    /// which no run does (only backupps_side_/backupps_drill_ names are). Refuse before any work instead.
    /// </summary>
    [Fact]
    public async Task AReplaceOfADatabaseWithASubscriptionIsRefusedBeforeAnyWork()
    {
        await using var pg = new PostgresContainer(scale: 0);
        await pg.InitializeAsync();
        pg.Psql("create table t (id int); insert into t values (1), (2)");
        var path = BackupOf(pg, PostgresContainer.DatabaseName);
        pg.Psql("create subscription sub1 connection 'dbname=app host=/nonexistent' publication p with (connect = false)");
        var before = Databases(pg);

        var result = RunRestore(path, "--replace");

        Fails("SubscriptionReplace", result);
        Assert.Equal(before, Databases(pg));
        Assert.Equal("app", pg.Psql("select d.datname from pg_subscription s join pg_database d on d.oid = s.subdbid where s.subname = 'sub1'", "postgres"));
    }
    /// <summary>
    /// PostgreSQL cuts a name to 63 bytes, so --database with 70 bytes is the 63-byte database; but the operation lock
    /// was keyed by the name as typed, so a replace through the long spelling and one through the real name ran at once
    /// (both runs reported the same kept copy while a second one was left unnamed). A name the server would cut is
    /// refused as typed, before any work, wherever a database name is accepted (restore and backup), so two spellings
    /// of one database can never run at once.
    /// </summary>
    [Fact]
    public async Task TwoSpellingsOfOneLongDatabaseNameDoNotRunAtOnce()
    {
        await using var pg = new PostgresContainer(scale: 0);
        await pg.InitializeAsync();
        var real = new string('l', 63);
        var alias = new string('l', 70);
        pg.Psql($"create database {real}", "postgres");
        pg.Psql("create table t (id int); insert into t values (1), (2)", real);
        var path = BackupOf(pg, real);
        var before = Databases(pg);

        var restore = Fails("InvalidName", RunRestore(path, "--database", alias, "--replace", "--skip-safety-backup", "--keep-previous"), exitCode: 2);
        var backup = Fails("InvalidName", BackupPsCli.Run("backup-database", "--container", pg.Name, "--database", alias, "--environment", "dev",
            "--path", BackupTestHelpers.NewRoot(), "--json"), exitCode: 2);

        Assert.Contains("70 bytes", restore.Stderr);
        Assert.Contains("70 bytes", backup.Stderr);
        Assert.Equal(before, Databases(pg));
        // The real name goes on working, and its operation lock is keyed on it.
        Succeeds(RunRestore(path, "--database", real, "--replace", "--skip-safety-backup"));
    }

    /// <summary>
    /// The kept copy's name is cut to 63 bytes one UTF-16 unit at a time, so a name ending in emoji is cut inside a
    /// surrogate pair, and the copy is called "...\uFFFD_before_..." (a replacement character that was never in the name).
    /// Cut at whole characters.
    /// </summary>
    [Fact]
    public async Task TheKeptCopyOfALongNameIsNotCutInsideACharacter()
    {
        await using var pg = new PostgresContainer(scale: 0);
        await pg.InitializeAsync();
        var database = string.Concat(Enumerable.Repeat("\U0001F600", 15)) + "abc";
        pg.Psql($"create database \"{database}\"", "postgres");
        pg.Psql("create table t (id int); insert into t values (1), (2)", database);
        var path = BackupOf(pg, database);

        var record = Succeeds(RunRestore(path, "--replace", "--skip-safety-backup", "--keep-previous"));

        var kept = record.GetProperty("PreviousDatabase").GetString()!;
        Assert.DoesNotContain('\uFFFD', kept);
        Assert.StartsWith(string.Concat(Enumerable.Repeat("\U0001F600", 9)) + "_before_", kept);
        Assert.Contains(kept, Databases(pg));
    }
    /// <summary>
    /// A backup whose collation the target server lacks (made on an image with de_DE.UTF-8, restored into one without)
    /// cannot be restored, and CREATE DATABASE says so; but a replace finds out only after its full safety backup. Like
    /// the other things that cannot work, it is refused before any work: no file is added to the store.
    /// </summary>
    [Fact]
    public async Task AReplaceWithACollationTheServerLacksFailsBeforeTheSafetyBackup()
    {
        await using var pg = new PostgresContainer(scale: 0);
        await pg.InitializeAsync();
        pg.Psql("create table t (id int); insert into t values (1), (2)");
        var path = BackupOf(pg, PostgresContainer.DatabaseName);
        var manifest = path[..^".dump.zst".Length] + ".manifest.json";
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifest))!;
        json["DatabaseProperties"]!["Collate"] = "de_DE.UTF-8";
        json["DatabaseProperties"]!["Ctype"] = "de_DE.UTF-8";
        File.WriteAllText(manifest, json.ToJsonString());
        var root = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(path)))!;
        var files = BackupTestHelpers.Files(root);

        var result = RunRestore(path, "--replace");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("de_DE.UTF-8", result.Stderr);
        Assert.Equal(files, BackupTestHelpers.Files(root));
    }

    /// <summary>
    /// A prepared transaction in the database holds it, so the swap cannot rename it; that was found only after the
    /// safety backup and the whole restore. Refused before any work, naming the transaction.
    /// </summary>
    [Fact]
    public async Task AReplaceOfADatabaseWithAPreparedTransactionIsRefusedBeforeAnyWork()
    {
        await using var pg = new PostgresContainer(scale: 0, command: ["postgres", "-c", "max_prepared_transactions=2"]);
        await pg.InitializeAsync();
        pg.Psql("create table t (id int); insert into t values (1), (2)");
        var path = BackupOf(pg, PostgresContainer.DatabaseName);
        pg.Psql("begin; insert into t values (3); prepare transaction 'held-by-app'");
        var root = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(path)))!;
        var files = BackupTestHelpers.Files(root);
        var before = Databases(pg);

        var result = Fails("PreparedTransactionReplace", RunRestore(path, "--replace"));

        Assert.Contains("'held-by-app'", result.Stderr);
        Assert.Equal(files, BackupTestHelpers.Files(root));
        Assert.Equal(before, Databases(pg));
        pg.Psql("rollback prepared 'held-by-app'");
    }
}
