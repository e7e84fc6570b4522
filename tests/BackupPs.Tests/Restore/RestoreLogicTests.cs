using System.Text;
using BackupPs.Core.Errors;
using BackupPs.Core.Restore;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.Restore;

/// <summary>The restore's pure logic: error classification, the plain-SQL filter, names, guards.</summary>
public sealed class RestoreLogicTests
{
    // Verbatim shape of pg_restore -v 15's stderr (progress lines dropped) for a dump whose owner and grantee roles are missing.
    private const string PgRestoreStderr = """
        pg_restore: while PROCESSING TOC:
        pg_restore: from TOC entry 215; 1259 16386 TABLE items bps_owner
        pg_restore: error: could not execute query: ERROR:  role "bps_owner" does not exist
        Command was: ALTER TABLE public.items OWNER TO bps_owner;
        pg_restore: from TOC entry 3390; 0 0 COMMENT EXTENSION plpgsql
        pg_restore: error: could not execute query: ERROR:  must be owner of extension plpgsql
        Command was: COMMENT ON EXTENSION plpgsql IS 'PL/pgSQL procedural language';
        pg_restore: from TOC entry 216; 1259 16390 TABLE loans app
        pg_restore: error: could not execute query: ERROR:  relation "public.missing" does not exist
        Command was: CREATE VIEW public.v AS SELECT * FROM public.missing;
        pg_restore: warning: errors ignored on restore: 3
        """;

    [Fact]
    public void PgRestoreErrorsAreListedWithTheirEntryCommandAndClass()
    {
        var errors = RestoreErrorParser.Parse(PgRestoreStderr, [RestoreErrorClass.MissingRole]);
        Assert.Equal(3, errors.Count);
        Assert.Equal(new RestoreError(RestoreErrorClass.MissingRole, "role \"bps_owner\" does not exist", "TABLE items bps_owner",
            "ALTER TABLE public.items OWNER TO bps_owner;", Accepted: true)
        {
            Advice = "class MissingRole: restore with -NoOwner -NoAcl, create the role, or pass -AcceptError MissingRole",
        }, errors[0]);
        Assert.Equal((RestoreErrorClass.NotOwner, false), (errors[1].Class, errors[1].Accepted));
        Assert.Equal((RestoreErrorClass.Other, false, "TABLE loans app"), (errors[2].Class, errors[2].Accepted, errors[2].Object));
    }

    [Fact]
    public void OtherErrorsAreNeverAccepted()
    {
        var errors = RestoreErrorParser.Parse(PgRestoreStderr, Enum.GetValues<RestoreErrorClass>());
        Assert.False(errors.Single(e => e.Class == RestoreErrorClass.Other).Accepted);
    }

    [Fact]
    public void PsqlErrorsAreFoundButNoticesAreNot()
    {
        var errors = RestoreErrorParser.Parse("""
            psql:/tmp/.backupps-1.fifo:12: NOTICE:  table "x" does not exist, skipping
            psql:/tmp/.backupps-1.fifo:40: ERROR:  role "legacy" does not exist
            psql: error: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: FATAL:  database "x" does not exist
            """, []);
        Assert.Equal(["role \"legacy\" does not exist", "connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: FATAL:  database \"x\" does not exist"],
            errors.Select(e => e.Message));
        Assert.Equal(RestoreErrorClass.MissingRole, errors[0].Class);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public void PlainFilterDropsOwnershipAndPrivilegesOutsideCopyDataOnly(int writeSize)
    {
        const string script = """
            SET client_encoding = 'UTF8';
            CREATE TABLE public.t (a text);
            ALTER TABLE public.t OWNER TO app_prod;
            COPY public.t (a) FROM stdin;
            GRANT this is data
            ALTER TABLE data OWNER TO data;
            \.
            GRANT SELECT ON TABLE public.t TO reader;
            REVOKE ALL ON SCHEMA public FROM PUBLIC;
            ALTER DEFAULT PRIVILEGES FOR ROLE app GRANT SELECT ON TABLES TO reader;
            BEGIN;
            SELECT pg_catalog.lo_open('16399', 131072);
            COMMIT;
            SELECT 1;
            """;
        var output = Filter(script, writeSize, noOwner: true, noAcl: true, role: "app dev");
        Assert.Equal("""
            SET ROLE "app dev";
            SET client_encoding = 'UTF8';
            CREATE TABLE public.t (a text);
            COPY public.t (a) FROM stdin;
            GRANT this is data
            ALTER TABLE data OWNER TO data;
            \.
            BEGIN;
            SELECT pg_catalog.lo_open('16399', 131072);
            COMMIT;
            SELECT 1;
            """, output);
        Assert.Equal(script, Filter(script, writeSize, noOwner: false, noAcl: false, role: null));
    }

    /// <summary>
    /// Only top-level statements are dropped: what looks like one inside a function body, a string, a
    /// quoted identifier, a comment or COPY data stays byte for byte, and a statement whose quoted
    /// names span lines is dropped whole. Every cut of the script between writes gives the same output.
    /// </summary>
    [Fact]
    public void PlainFilterActsOnTopLevelStatementsOnly()
    {
        const string script = """"
            CREATE PROCEDURE public.p()
                LANGUAGE plpgsql
                AS $_$
            BEGIN
            COMMIT;
            GRANT SELECT ON t TO x;
            ALTER TABLE x OWNER TO y;
            COPY x FROM stdin;
            END $_$;
            ALTER PROCEDURE public.p() OWNER TO app;
            CREATE FUNCTION public.f() RETURNS text
                LANGUAGE sql
                BEGIN ATOMIC
             SELECT 'a;
            GRANT ALL ON t TO x;
            '::text;
            END;
            CREATE TABLE public."line
            break" (v text DEFAULT E'it\'s;
            ALTER TABLE t OWNER TO u;');
            ALTER TABLE public."line
            break" OWNER TO "app ""x""";
            ALTER TABLE public."x OWNER TO y" ADD COLUMN w int;
            /* nested /* GRANT ALL ON t TO x; */
            REVOKE ALL ON t FROM x; */
            -- GRANT ALL ON t TO x;
            COPY public."line
            break" (v) FROM stdin;
            ALTER TABLE t OWNER TO u;
            \.
            GRANT SELECT ON TABLE public."line
            break" TO reader;
            REVOKE ALL ON SCHEMA public FROM PUBLIC;
            ALTER DEFAULT PRIVILEGES FOR ROLE app GRANT SELECT ON TABLES TO reader;
            SELECT 1;
            """";
        // Exactly the top-level ownership and privilege statements go, each with its newline.
        string[] dropped =
        [
            "ALTER PROCEDURE public.p() OWNER TO app;\n",
            "ALTER TABLE public.\"line\nbreak\" OWNER TO \"app \"\"x\"\"\";\n",
            "GRANT SELECT ON TABLE public.\"line\nbreak\" TO reader;\n",
            "REVOKE ALL ON SCHEMA public FROM PUBLIC;\n",
            "ALTER DEFAULT PRIVILEGES FOR ROLE app GRANT SELECT ON TABLES TO reader;\n",
        ];
        var expected = script;
        foreach (var statement in dropped)
        {
            Assert.Single(script.Split(statement)[1..]);
            expected = expected.Replace(statement, "", StringComparison.Ordinal);
        }

        var bytes = Encoding.UTF8.GetBytes(script);
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            using var sink = new MemoryStream();
            using (var filter = new PlainScriptFilter(sink, noOwner: true, noAcl: true, role: null))
            {
                filter.Write(bytes.AsSpan(0, cut));
                filter.Write(bytes.AsSpan(cut));
                filter.Complete();
            }

            Assert.Equal(expected, Encoding.UTF8.GetString(sink.ToArray()));
        }

        Assert.Equal(expected, Filter(script, 1, noOwner: true, noAcl: true, role: null));
        Assert.Equal(script.Replace(dropped[0], "").Replace(dropped[1], ""), Filter(script, 5, noOwner: true, noAcl: false, role: null));
        Assert.Equal(script.Replace(dropped[2], "").Replace(dropped[3], "").Replace(dropped[4], ""), Filter(script, 5, noOwner: false, noAcl: true, role: null));
    }

    private static string Filter(string script, int writeSize, bool noOwner, bool noAcl, string? role)
    {
        using var sink = new MemoryStream();
        using (var filter = new PlainScriptFilter(sink, noOwner, noAcl, role))
        {
            var bytes = Encoding.UTF8.GetBytes(script);
            foreach (var chunk in bytes.Chunk(writeSize))
            {
                filter.Write(chunk);
            }

            filter.Complete();
        }

        return Encoding.UTF8.GetString(sink.ToArray());
    }

    [Fact]
    public void PreviousNamesFitPostgresNameLimit()
    {
        var now = new DateTimeOffset(2026, 11, 21, 10, 15, 30, TimeSpan.Zero);
        Assert.Equal("app_before_20261121T101530Z", RestoreDatabaseHandler.PreviousName("app", now));
        var longName = RestoreDatabaseHandler.PreviousName(new string('ü', 40), now);
        Assert.True(Encoding.UTF8.GetByteCount(longName) <= 63, longName);
        Assert.EndsWith("_before_20261121T101530Z", longName);

        // Replaces of the same second whose earlier copy is still kept: numbered, still within the limit.
        Assert.Equal("app_before_20261121T101530Z_2", RestoreDatabaseHandler.PreviousName("app", now, claim: 2));
        var longSecond = RestoreDatabaseHandler.PreviousName(new string('ü', 40), now, claim: 12);
        Assert.True(Encoding.UTF8.GetByteCount(longSecond) <= 63, longSecond);
        Assert.EndsWith("_before_20261121T101530Z_12", longSecond);
    }

    [Theory]
    [InlineData("15.14 (Debian 15.14-0+deb12u1)", 15)]
    [InlineData("17.11", 17)]
    [InlineData("9.6.24", 9)]
    [InlineData(null, 0)]
    public void MajorVersions(string? version, int major) => Assert.Equal(major, RestoreTarget.Major(version));

    [Fact]
    public void NonProdIntoProdIsRefusedUnlessAllowed()
    {
        var host = new RecordingHost();
        var refused = Assert.Throws<BackupPsException>(() => RestoreTarget.GuardEnvironment("dev", "prod", false, "database app in container db", host));
        Assert.Equal("CrossEnvironmentRestore", refused.ErrorId);
        Assert.Contains("-AllowCrossEnvironment", refused.Message);

        RestoreTarget.GuardEnvironment("dev", "prod", true, "database app in container db", host);
        RestoreTarget.GuardEnvironment("prod", "dev", false, "database app in container db", host);
        RestoreTarget.GuardEnvironment("prod", "prod", false, "database app in container db", host);
        Assert.Equal(2, host.Warnings.Count);
        Assert.True(RestoreTarget.IsProduction("production") && RestoreTarget.IsProduction("prod-eu") && !RestoreTarget.IsProduction("product"));
    }
}
