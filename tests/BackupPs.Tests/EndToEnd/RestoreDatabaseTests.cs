using BackupPs.Tests.Infrastructure;
using Xunit;
using static BackupPs.Tests.EndToEnd.RestoreTestSupport;

namespace BackupPs.Tests.EndToEnd;

/// <summary>Restore-Database through the real CLI against real PostgreSQL 15 and 17 containers.</summary>
public sealed class RestoreDatabaseTests(RestoreServers servers) : IClassFixture<RestoreServers>
{
    private PostgresContainer Source => servers.Source;

    [Theory]
    [InlineData("Custom", "Zstd")]
    [InlineData("Custom", "Gzip")]
    [InlineData("Plain", "Zstd")]
    [InlineData("Plain", "Gzip")]
    public void EveryFormatAndCompressionRoundTripsTheRichSchemaExactly(string format, string compression)
    {
        var path = BackupOf(Source, "rich", "dev", "--format", format, "--compression", compression);
        var copy = $"rich_{format}_{compression}".ToLowerInvariant();
        try
        {
            var record = Succeeds(RunRestore(path, "--database", copy));
            Assert.Equal("New", record.GetProperty("Mode").GetString());
            Assert.Equal(Source.Name, record.GetProperty("Container").GetString());
            Assert.Empty(record.GetProperty("Errors").EnumerateArray());
            DatabaseFingerprint.Take(Source, copy).AssertSameAs(DatabaseFingerprint.Take(Source, "rich"));
            NoScratchDatabases(Source);
        }
        finally
        {
            Drop(Source, copy);
        }
    }

    [Fact]
    public void JobsSetTheCopySessionsAndNothingIsLeftInTheContainer()
    {
        var path = BackupOf(Source, "rich");
        try
        {
            var result = RunRestore(path, "--database", "rich_jobs", "--jobs", "3", "--verbose");
            Succeeds(result);
            Assert.Contains("over 3 COPY session(s)", result.Stderr);
            Assert.Contains("post-data) with 3 job(s)", result.Stderr);
            DatabaseFingerprint.Take(Source, "rich_jobs").AssertSameAs(DatabaseFingerprint.Take(Source, "rich"));
            Assert.DoesNotContain(".backupps-", PostgresContainer.Docker(["exec", Source.Name, "ls", "-a", "/tmp"]));
            // Autovacuum was kept off the tables during the load only.
            Assert.Equal("0", Source.Psql("select count(*) from pg_class where reloptions::text like '%autovacuum_enabled%'", "rich_jobs"));
        }
        finally
        {
            Drop(Source, "rich_jobs");
        }
    }

    /// <summary>
    /// The COPY data is cut into ~1 MiB chunks at row boundaries: a table of many chunks, rows longer
    /// than a chunk, escapes that look like the COPY terminator, an empty table, and a table
    /// whose dump sets autovacuum_enabled itself (left as it was).
    /// </summary>
    [Fact]
    public void RowsAreSplitAcrossSessionsWithoutLosingOrDuplicatingAny()
    {
        Source.Psql("create database chunks", "postgres");
        try
        {
            Source.Psql("""
                create table many (id int primary key, note text);
                insert into many select g, repeat(md5(g::text), 3) from generate_series(1, 60000) g;
                create table wide (id int primary key, body text, blob bytea);
                insert into wide values (1, repeat('x', 3 * 1024 * 1024), null), (2, 'short', decode(repeat('ab', 2 * 1024 * 1024), 'hex')), (3, E'tab\there\nnewline\\.', null);
                create table empty_one (id int);
                create table tuned (id int) with (autovacuum_enabled = false);
                insert into tuned select generate_series(1, 10);
                """, "chunks");
            var path = BackupOf(Source, "chunks");
            var record = Succeeds(RunRestore(path, "--database", "chunks_copy", "--jobs", "2"));
            Assert.Empty(record.GetProperty("Errors").EnumerateArray());
            DatabaseFingerprint.Take(Source, "chunks_copy").AssertSameAs(DatabaseFingerprint.Take(Source, "chunks"));
            Assert.Equal("{autovacuum_enabled=false}", Source.Psql("select reloptions from pg_class where relname = 'tuned'", "chunks_copy"));
        }
        finally
        {
            Drop(Source, "chunks_copy");
            Drop(Source, "chunks");
        }
    }

    [Fact]
    public void ReplaceTakesASafetyBackupEndsOpenSessionsAndSwapsInPlace()
    {
        Source.LoadRichSchema("victim");
        var path = BackupOf(Source, "victim");
        var backedUp = DatabaseFingerprint.Take(Source, "victim");
        Source.Psql("create table rich.after_backup (x int); insert into rich.after_backup values (1)", "victim");
        // An application session that would block a DROP or RENAME.
        PostgresContainer.Docker(["exec", "-d", Source.Name, "psql", "-U", PostgresContainer.User, "-d", "victim", "-c", "select pg_sleep(600)"]);
        WaitFor(() => Source.Psql("select count(*) from pg_stat_activity where datname = 'victim' and query like '%pg_sleep%'", "postgres") == "1");

        var record = Succeeds(RunRestore(path, "--replace"));

        Assert.Equal("Replace", record.GetProperty("Mode").GetString());
        DatabaseFingerprint.Take(Source, "victim").AssertSameAs(backedUp);
        Assert.Equal("0", Source.Psql("select count(*) from pg_stat_activity where datname = 'victim'", "postgres"));
        // The safety backup holds the data as it was just before the replace, including what the restore removed.
        var safety = record.GetProperty("SafetyBackupPath").GetString()!;
        Assert.False(record.GetProperty("SafetyBackupSkipped").GetBoolean());
        Assert.Contains("\"after_backup\"", File.ReadAllText(Core.Catalog.BackupNames.ManifestPathFor(safety)));
        Assert.Equal(Path.GetDirectoryName(path), Path.GetDirectoryName(safety));
        Assert.Equal(JsonNull, record.GetProperty("PreviousDatabase").ValueKind);
        Assert.DoesNotContain(Databases(Source), d => d.StartsWith("victim_before_", StringComparison.Ordinal));
        NoScratchDatabases(Source);
        Assert.Equal("t", Source.Psql("select datallowconn from pg_database where datname = 'victim'", "postgres"));

        // -KeepPrevious keeps the replaced copy under a dated name; -SkipSafetyBackup is recorded.
        Source.Psql("create table rich.second (x int)", "victim");
        var kept = Succeeds(RunRestore(path, "--replace", "--keep-previous", "--skip-safety-backup"));
        Assert.True(kept.GetProperty("SafetyBackupSkipped").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, kept.GetProperty("SafetyBackupPath").ValueKind);
        var previous = kept.GetProperty("PreviousDatabase").GetString()!;
        Assert.StartsWith("victim_before_", previous);
        Assert.Equal("1", Source.Psql("select count(*) from pg_tables where tablename = 'second'", previous));
        Drop(Source, previous);
        Drop(Source, "victim");
    }

    private const System.Text.Json.JsonValueKind JsonNull = System.Text.Json.JsonValueKind.Null;

    [Fact]
    public void WhatIfPrintsThePlanAndChangesNothing()
    {
        var path = BackupOf(Source, "app");
        var before = Databases(Source);
        var files = BackupTestHelpers.Files(Path.GetDirectoryName(path)!);
        var result = BackupPsCli.Run(["restore-database", path, "--replace", "--what-if"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("What if:", result.Stdout);
        Assert.Contains("back up app to", result.Stdout);
        Assert.Contains("rename it to app_before_", result.Stdout);
        Assert.Contains("on any failure before the rename", result.Stdout);
        Assert.Equal(before, Databases(Source));
        Assert.Equal(files, BackupTestHelpers.Files(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void WithoutATerminalAReplaceNeedsForce()
    {
        var path = BackupOf(Source, "app");
        Fails("ConfirmationRequired", BackupPsCli.Run(["restore-database", path, "--replace"]));
    }

    [Fact]
    public void ExistingDatabasesNeedReplaceAndMissingOnesCannotBeReplaced()
    {
        var path = BackupOf(Source, "app");
        Assert.Contains("add --replace", Fails("DatabaseExists", RunRestore(path)).Stderr);
        Fails("DatabaseNotFound", RunRestore(path, "--database", "nothing_here", "--replace"));
        Fails("MissingMandatoryParameter", RunRestore(path, "--keep-previous"), exitCode: 2);
        NoScratchDatabases(Source);
    }

    [Fact]
    public void ANonProdBackupIsNeverRestoredIntoProdByAccident()
    {
        var path = BackupOf(Source, "app", "dev");
        var bare = servers.Bare;
        var refused = Fails("CrossEnvironmentRestore", RunRestore(path, "--container", bare.Name, "--database", "app_prod", "--target-environment", "prod"));
        Assert.Contains("--allow-cross-environment", refused.Stderr);
        Assert.DoesNotContain("app_prod", Databases(bare));
        try
        {
            var record = Succeeds(RunRestore(path, "--container", bare.Name, "--database", "app_prod", "--target-environment", "prod", "--allow-cross-environment"));
            Assert.Equal("prod", record.GetProperty("Environment").GetString());
        }
        finally
        {
            Drop(bare, "app_prod");
        }

        // The backup's own source (same container id) is in the backup's environment: declaring another one is refused, not preferred.
        Fails("EnvironmentMismatch", RunRestore(path, "--database", "app_prod", "--target-environment", "prod"), exitCode: 2);
        Assert.DoesNotContain("app_prod", Databases(Source));

        // Another container's environment is never guessed.
        Fails("TargetEnvironmentUnknown", RunRestore(path, "--container", bare.Name), exitCode: 2);
    }

    [Fact]
    public void ADumpFromANewerMajorVersionIsRefusedBeforeAnythingIsCreated()
    {
        var path = BackupOf(servers.Pg17, "rich");
        var before = Databases(servers.Bare);
        var refused = Fails("BackupFromNewerPostgres", RunRestore(path, "--container", servers.Bare.Name, "--target-environment", "dev"));
        Assert.Contains("pg_dump 17.", refused.Stderr);
        Assert.Contains("PostgreSQL 17", refused.Stderr);
        Assert.Equal(before, Databases(servers.Bare));
    }

    [Fact]
    public void AnOlderMajorVersionRestoresIntoANewerServer()
    {
        var path = BackupOf(Source, "app");
        try
        {
            Succeeds(RunRestore(path, "--container", servers.Pg17.Name, "--target-environment", "dev", "--database", "app15"));
            Assert.Equal(Source.RowCounts().OrderBy(kv => kv.Key), servers.Pg17.RowCounts("app15").OrderBy(kv => kv.Key));
        }
        finally
        {
            Drop(servers.Pg17, "app15");
        }
    }

    [Theory]
    [InlineData("Custom")]
    [InlineData("Plain")]
    public void MissingRolesFailCleanlyUnlessOwnershipAndPrivilegesAreLeftOut(string format)
    {
        var bare = servers.Bare;
        var path = BackupOf(Source, "rich", "dev", "--format", format);
        string[] into = ["--container", bare.Name, "--target-environment", "dev"];

        var failed = Fails("RestoreFailed", RunRestore(path, into));
        var record = Assert.Single(BackupPsCli.JsonLines(failed));
        Assert.False(record.GetProperty("Succeeded").GetBoolean());
        var error = record.GetProperty("Errors").EnumerateArray().First();
        Assert.Equal("MissingRole", error.GetProperty("Class").GetString());
        Assert.Contains("does not exist", error.GetProperty("Message").GetString());
        Assert.DoesNotContain("rich", Databases(bare));
        NoScratchDatabases(bare);

        try
        {
            Succeeds(RunRestore(path, [.. into, "--no-owner", "--no-acl"]));
            DatabaseFingerprint.Take(bare, "rich").Without("owner:", "acl:")
                .AssertSameAs(DatabaseFingerprint.Take(Source, "rich").Without("owner:", "acl:"));
        }
        finally
        {
            Drop(bare, "rich");
        }

        if (format == "Custom")
        {
            // Accepting the class: the restore succeeds and still lists every error it accepted.
            try
            {
                var accepted = Succeeds(RunRestore(path, [.. into, "--accept-error", "MissingRole"]));
                Assert.All(accepted.GetProperty("Errors").EnumerateArray(), e => Assert.True(e.GetProperty("Accepted").GetBoolean()));
                Assert.NotEmpty(accepted.GetProperty("Errors").EnumerateArray());
            }
            finally
            {
                Drop(bare, "rich");
            }
        }
    }

    [Fact]
    public void NamesThatNeedQuotingRestoreAndReplace()
    {
        const string name = "Weird \"db\" name";
        var path = BackupOf(Source, "rich");
        try
        {
            Succeeds(RunRestore(path, "--database", name));
            Succeeds(RunRestore(path, "--database", name, "--replace", "--skip-safety-backup"));
            DatabaseFingerprint.Take(Source, name).AssertSameAs(DatabaseFingerprint.Take(Source, "rich"));
            NoScratchDatabases(Source);
        }
        finally
        {
            Drop(Source, name);
        }
    }

    [Fact]
    public void DamagedBackupsNeverTouchTheOriginal()
    {
        var path = BackupOf(Source, "app");
        var original = DatabaseFingerprint.Take(Source, "app");

        var corrupted = CopyOf(path);
        using (var file = File.OpenWrite(corrupted))
        {
            file.Position = file.Length / 2;
            file.WriteByte(0x5A);
            file.Position = file.Length / 2 + 1;
            file.WriteByte(0xA5);
        }

        var result = Fails("RestoreFailed", RunRestore(corrupted, "--replace", "--skip-safety-backup"));
        Assert.False(Assert.Single(BackupPsCli.JsonLines(result)).GetProperty("Succeeded").GetBoolean());
        DatabaseFingerprint.Take(Source, "app").AssertSameAs(original);
        NoScratchDatabases(Source);

        var truncated = CopyOf(path);
        using (var file = File.OpenWrite(truncated))
        {
            file.SetLength(file.Length - 100);
        }

        Assert.Contains("truncated", Fails("BackupFileDamaged", RunRestore(truncated, "--replace")).Stderr);
        DatabaseFingerprint.Take(Source, "app").AssertSameAs(original);
        NoScratchDatabases(Source);
    }

    [Fact]
    public async Task ADockerGroupOperatorRestoresThroughTheDockerApi()
    {
        var account = OperatorAccount.DockerGroupMember;
        var path = await OperatorBackupAsync(account, Source, "rich");
        try
        {
            var result = await BackupPsCli.RunAsAsync(account, _ => { }, "restore-database", path, "--database", "rich_api", "--json", "--force", "--verbose");
            Succeeds(result);
            Assert.Contains("Streaming through the Docker API", result.Stderr);
            DatabaseFingerprint.Take(Source, "rich_api").AssertSameAs(DatabaseFingerprint.Take(Source, "rich"));
        }
        finally
        {
            Drop(Source, "rich_api");
        }
    }

    private static void WaitFor(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            Thread.Sleep(100);
        }

        Assert.True(condition(), "condition not reached in 10 s");
    }
}
