using BackupPs.Tests.Infrastructure;
using Xunit;
using static BackupPs.Tests.EndToEnd.RestoreTestSupport;

namespace BackupPs.Tests.EndToEnd;

/// <summary>
/// A failed restore says what failed, where, the server's own words, and what to do (PostgreSQL 15, through the CLI).
/// </summary>
public sealed class RestoreErrorReportingTests(RestoreServers servers) : IClassFixture<RestoreServers>
{
    private PostgresContainer Source => servers.Source;

    /// <summary>
    /// A well-known restore failure: a CHECK constraint calls a function that names a table without its schema,
    /// and restores run with an empty search_path, so loading the rows fails (plain pg_restore fails the same
    /// way). The rows go through BackupPs's COPY sessions: the error names the table, keeps the server's
    /// CONTEXT and the COPY statement, says what to do, and is not reported as the broken pipe it causes.
    /// </summary>
    [Fact]
    public void CopySessionFailureNamesTheTableAndKeepsTheServersContext()
    {
        Source.Psql("create database stock", "postgres");
        try
        {
            Source.Psql("""
                create table limits (min_qty int);
                insert into limits values (0);
                create function in_stock(q int) returns boolean language plpgsql as $$ begin return q >= (select min_qty from limits); end $$;
                create table stock (id int, qty int check (in_stock(qty)));
                insert into stock select g, g from generate_series(1, 1000) g;
                """, "stock");
            var path = BackupOf(Source, "stock");

            var failed = Fails("RestoreFailed", RunRestore(path, "--database", "stock_copy", "--jobs", "2"));
            var error = Assert.Single(Assert.Single(BackupPsCli.JsonLines(failed)).GetProperty("Errors").EnumerateArray());
            Assert.Equal("relation \"limits\" does not exist", error.GetProperty("Message").GetString());
            Assert.Equal("TABLE DATA public.stock", error.GetProperty("Object").GetString());
            Assert.Equal("COPY public.stock (id, qty) FROM stdin;", error.GetProperty("Command").GetString());
            Assert.Contains("PL/pgSQL function public.in_stock(integer) line 1 at RETURN", error.GetProperty("Context").GetString());
            Assert.Matches(@"COPY stock, line \d+", error.GetProperty("Context").GetString());
            Assert.Contains("search_path", error.GetProperty("Advice").GetString());
            Assert.Contains("retry with -Jobs 1", error.GetProperty("Advice").GetString());

            Assert.Contains("in TABLE DATA public.stock", failed.Stderr);
            Assert.Contains("CONTEXT: ", failed.Stderr);
            Assert.DoesNotContain("Broken pipe", failed.Stderr);
            Assert.DoesNotContain("stock_copy", Databases(Source));
            NoScratchDatabases(Source);
        }
        finally
        {
            Drop(Source, "stock");
        }
    }

    /// <summary>
    /// A COPY error in the middle of a table bigger than the pipes: the failing psql exits while BackupPs is still
    /// writing rows to it. The server's error (with its CONTEXT) is reported, not the broken pipe that followed it.
    /// </summary>
    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public void CopyErrorWhileRowsAreStillBeingWrittenIsTheServersError(string jobs)
    {
        var database = "late" + jobs;
        Source.Psql($"create database {database}", "postgres");
        try
        {
            Source.Psql("""
                create function helper(x int) returns bool language sql as 'select x > 0';
                create function chk(x int) returns bool language plpgsql as $$ begin if x < 100000 then return true; end if; return helper(x); end $$;
                create table big (id int constraint late check (chk(id)), t text);
                insert into big select g, md5(g::text) from generate_series(1, 200000) g;
                """, database);
            var path = BackupOf(Source, database);

            var failed = Fails("RestoreFailed", RunRestore(path, "--database", database + "_copy", "--jobs", jobs));
            // With two sessions both may be given failing rows before the first stops: each reports the same error.
            var errors = Assert.Single(BackupPsCli.JsonLines(failed)).GetProperty("Errors").EnumerateArray().ToArray();
            Assert.InRange(errors.Length, 1, int.Parse(jobs, System.Globalization.CultureInfo.InvariantCulture));
            foreach (var error in errors)
            {
                Assert.Equal("function helper(integer) does not exist", error.GetProperty("Message").GetString());
                Assert.Equal("TABLE DATA public.big", error.GetProperty("Object").GetString());
                Assert.Matches(@"COPY big, line \d+", error.GetProperty("Context").GetString());
                Assert.Equal(jobs == "2", error.GetProperty("Advice").GetString()!.Contains("retry with -Jobs 1", StringComparison.Ordinal));
            }

            Assert.Contains("function helper(integer) does not exist", failed.Stderr);
            Assert.DoesNotContain("Broken pipe", failed.Stderr);
            Assert.DoesNotContain(database + "_copy", Databases(Source));
        }
        finally
        {
            Drop(Source, database);
        }
    }

    /// <summary>
    /// A COPY session's backend is ended (pg_terminate_backend, here by the table's own CHECK constraint, in the middle of a
    /// table bigger than the pipes): the failure says what the server said, not the broken pipe it caused.
    /// </summary>
    [Fact]
    public void TerminatedCopySessionIsReportedWithTheServersWords()
    {
        Source.Psql("create database ended", "postgres");
        try
        {
            Source.Psql("""
                create function ends_at(x int) returns bool language plpgsql as $$
                begin if x = 100000 and current_database() <> 'ended' then perform pg_terminate_backend(pg_backend_pid()); end if; return true; end $$;
                create table big (id int check (public.ends_at(id)), t text);
                insert into big select g, md5(g::text) from generate_series(1, 200000) g;
                """, "ended");
            var path = BackupOf(Source, "ended");

            var failed = Fails("RestoreFailed", RunRestore(path, "--database", "ended_copy", "--jobs", "2"));
            Assert.Contains("terminating connection due to administrator command", failed.Stderr);
            Assert.Contains("pg_terminate_backend", failed.Stderr);
            Assert.DoesNotContain("Broken pipe", failed.Stderr);
            Assert.DoesNotContain("ended_copy", Databases(Source));
        }
        finally
        {
            Drop(Source, "ended");
        }
    }

    /// <summary>
    /// A setting recorded in the backup cannot be applied (its role is gone): the warning names the database the user
    /// restores into, not the side database the restore runs in until it is put in place.
    /// </summary>
    [Fact]
    public void SettingWarningsNameTheDatabaseRestoredInto()
    {
        Source.Psql("create database tuned", "postgres");
        try
        {
            Source.Psql("create role bps_ghost; alter role bps_ghost in database tuned set work_mem = '8MB'", "postgres");
            Source.Psql("create table items (id int); insert into items values (1)", "tuned");
            var path = BackupOf(Source, "tuned");
            Source.Psql("drop role bps_ghost", "postgres");

            var restored = RunRestore(path, "--database", "tuned_copy");
            Succeeds(restored);
            Assert.Contains("The backup's setting work_mem for role bps_ghost was not applied to tuned_copy: the role does not exist", restored.Stderr);
            Assert.DoesNotContain("backupps_side_", restored.Stderr);
        }
        finally
        {
            Drop(Source, "tuned");
            Drop(Source, "tuned_copy");
            Source.Psql("drop role if exists bps_ghost", "postgres");
        }
    }

    /// <summary>
    /// A login that is no superuser restores a dump whose table belongs to a role it is not a member of: PostgreSQL 15
    /// says "must be member of role" (16+: "must be able to SET ROLE"). The error is classified, names the archive
    /// entry, and points to -NoOwner; with --no-owner the same restore succeeds.
    /// </summary>
    [Fact]
    public void RoleMembershipFailureIsClassifiedWithTheNoOwnerAdvice()
    {
        const string password = "restorer-secret-never-printed";
        Source.Psql($"create role bps_restorer login createdb password '{password}'; create role bps_stranger", "postgres");
        Source.Psql("create database owned", "postgres");
        try
        {
            Source.Psql("create table items (id int primary key); insert into items values (1), (2); alter table items owner to bps_stranger", "owned");
            var path = BackupOf(Source, "owned");
            var env = new Dictionary<string, string?> { ["BACKUPPS_PASSWORD"] = password };
            string[] restore = ["restore-database", path, "--json", "--force", "--database", "owned_copy", "--credential", "bps_restorer"];

            var failed = Fails("RestoreFailed", BackupPsCli.Run(env, restore));
            var errors = Assert.Single(BackupPsCli.JsonLines(failed)).GetProperty("Errors").EnumerateArray().ToArray();
            var membership = Assert.Single(errors, e => e.GetProperty("Class").GetString() == "RoleMembership");
            Assert.Equal("must be member of role \"bps_stranger\"", membership.GetProperty("Message").GetString());
            Assert.Equal("TABLE items bps_stranger", membership.GetProperty("Object").GetString());
            Assert.Equal("ALTER TABLE public.items OWNER TO bps_stranger;", membership.GetProperty("Command").GetString());
            Assert.Contains("class RoleMembership: the login may not give objects to role bps_stranger; restore with --no-owner", failed.Stderr);
            Assert.DoesNotContain(password, failed.Stdout + failed.Stderr);

            var restored = BackupPsCli.Run(env, [.. restore, "--no-owner"]);
            Assert.True(restored.ExitCode == 0, restored.ToString());
            Assert.Equal("2", Source.Psql("select count(*) from items", "owned_copy"));
        }
        finally
        {
            Drop(Source, "owned");
            Drop(Source, "owned_copy");
            Source.Psql("drop role if exists bps_restorer; drop role if exists bps_stranger", "postgres");
        }
    }
}
