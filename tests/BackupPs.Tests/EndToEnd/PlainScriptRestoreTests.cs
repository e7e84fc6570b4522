using BackupPs.Tests.Infrastructure;
using Xunit;
using static BackupPs.Tests.EndToEnd.RestoreTestSupport;

namespace BackupPs.Tests.EndToEnd;

/// <summary>One PostgreSQL 15 server for the plain-format tests; roles exist only while a test needs them.</summary>
public sealed class PlainScriptServer() : PostgresContainer(scale: 0)
{
    /// <summary>The record of the plain backup of the "names" database, once made.</summary>
    public System.Text.Json.JsonElement? NamesBackup { get; set; }
}

/// <summary>
/// Plain SQL dumps through the CLI: text that looks like a script statement inside bodies, strings
/// and names is restored and counted as psql reads it, thousands of tables restore, and a failed
/// plain restore leaves nothing behind.
/// </summary>
public sealed class PlainScriptRestoreTests(PlainScriptServer pg) : IClassFixture<PlainScriptServer>
{
    /// <summary>Definitions of every function, procedure and view, comments and data: the text the old line rules cut.</summary>
    private const string DefinitionsQuery = """
        select string_agg(format('%s|%s|%s', p.proname, p.prosrc, pg_get_functiondef(p.oid)), E'\n--next--\n' order by p.proname)
          from pg_proc p where p.pronamespace = 'public'::regnamespace
        union all select pg_get_viewdef('public.v'::regclass)
        union all select obj_description('public.items'::regclass)
        union all select string_agg(id || ':' || note, E'\n' order by id) from public.items
        """;

    [Fact]
    public void BodiesAndStringsThatLookLikeScriptStatementsRestoreByteForByte()
    {
        pg.Psql("drop role if exists plain_owner; create role plain_owner", "postgres");
        pg.Psql("create database bodies", "postgres");
        try
        {
            // Every line that the old line rules dropped, or took for COPY data, starts a line here.
            pg.Psql("""
                create table items (id int primary key, note text);
                insert into items values (1, E'x\nCOPY public.items (id, note) FROM stdin;\n2\tno\n\\.\nCOMMIT;'), (2, E'\nBEGIN;\nGRANT ALL ON items TO PUBLIC;');
                create procedure public.p() language plpgsql as $body$
                BEGIN
                COMMIT;
                RAISE NOTICE '%', '
                BEGIN;
                GRANT SELECT ON items TO PUBLIC;
                REVOKE ALL ON items FROM PUBLIC;
                ALTER TABLE items OWNER TO plain_owner;
                ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC;
                COPY items FROM stdin;
                3	three
                \.
                ';
                /*
                COMMIT;
                */
                END
                $body$;
                create function public.f() returns text language sql
                begin atomic
                  select 'a;
                GRANT ALL ON items TO PUBLIC;
                ALTER TABLE items OWNER TO plain_owner;
                COMMIT;
                ' as t;
                end;
                create view v as select 'line
                ALTER TABLE items OWNER TO plain_owner;
                REVOKE ALL ON items FROM PUBLIC;'::text as t;
                comment on table items is E'\nREVOKE ALL ON items FROM PUBLIC;\nCOMMIT;';
                alter procedure public.p() owner to plain_owner;
                alter table items owner to plain_owner;
                grant select on items to public;
                """, "bodies");
            var expected = pg.Psql(DefinitionsQuery, "bodies");
            var path = BackupOf(pg, "bodies", "dev", "--format", "Plain");
            try
            {
                Assert.Empty(Succeeds(RunRestore(path, "--database", "bodies_copy")).GetProperty("Errors").EnumerateArray());
                Assert.Equal(expected, pg.Psql(DefinitionsQuery, "bodies_copy"));
                Assert.Equal("plain_owner", pg.Psql("select proowner::regrole from pg_proc where proname = 'p'", "bodies_copy"));

                Succeeds(RunRestore(path, "--database", "bodies_bare", "--no-owner", "--no-acl"));
                Assert.Equal(expected, pg.Psql(DefinitionsQuery, "bodies_bare"));
                Assert.Equal("app|app|", pg.Psql(
                    "select (select proowner::regrole from pg_proc where proname = 'p') || '|' || relowner::regrole || '|' || coalesce(relacl::text, '') from pg_class where relname = 'items'",
                    "bodies_bare"));
            }
            finally
            {
                Drop(pg, "bodies_copy");
                Drop(pg, "bodies_bare");
            }
        }
        finally
        {
            Drop(pg, "bodies");
            pg.Psql("drop role plain_owner", "postgres");
        }
    }

    /// <summary>The manifest counts each table's rows under its exact name, and Test-Backup reads the file the same way.</summary>
    [Fact]
    public void TablesNamedWithANewlineOrAQuoteAreCountedAndVerified()
    {
        var path = NamesBackup(out var backup);
        Assert.Equal(
            new Dictionary<(string, string), long> { [("public", "line\nbreak")] = 3, [("public", "say \"hi\"")] = 2 },
            BackupTestHelpers.Tables(backup));
        var verified = BackupPsCli.Run("test-backup", path, "--json");
        Assert.True(verified.ExitCode == 0, verified.ToString());
    }

    /// <summary>The restore's own count check must find the table with the newline too (the catalog query of issue 8, kind 1).</summary>
    [Fact]
    public void TablesNamedWithANewlineOrAQuoteRestore()
    {
        var path = NamesBackup(out _);
        try
        {
            Succeeds(RunRestore(path, "--database", "names_copy"));
            Assert.Equal("3|2", pg.Psql("select (select count(*) from \"line\nbreak\") || '|' || (select count(*) from \"say \"\"hi\"\"\")", "names_copy"));
        }
        finally
        {
            Drop(pg, "names_copy");
        }
    }

    /// <summary>A plain backup of a database "names" (made once) with a table named with a newline and one with a double quote.</summary>
    private string NamesBackup(out System.Text.Json.JsonElement record)
    {
        if (pg.NamesBackup is null)
        {
            pg.Psql("create database names", "postgres");
            pg.Psql(""""
                create table "line
                break" (id int primary key);
                insert into "line
                break" select generate_series(1, 3);
                create table "say ""hi""" (v text);
                insert into "say ""hi""" values ('COPY public.x (a) FROM stdin;'), ('\.');
                """", "names");
            pg.NamesBackup = BackupTestHelpers.Backup(pg, BackupTestHelpers.NewRoot(), "--database", "names", "--environment", "dev", "--format", "Plain");
        }

        record = pg.NamesBackup.Value;
        return record.GetProperty("Path").GetString()!;
    }

    /// <summary>
    /// 2600 tables with a serial primary key and a text column hold five locks each: more than one
    /// transaction can hold with the default max_locks_per_transaction (64) and 100 connections.
    /// </summary>
    [Fact]
    public void ThousandsOfTablesRestoreFromAPlainDump()
    {
        Assert.Equal("64|100", pg.Psql("select current_setting('max_locks_per_transaction') || '|' || current_setting('max_connections')", "postgres"));
        pg.Psql("create database many", "postgres");
        try
        {
            pg.Psql("""
                do $$
                begin
                  for i in 1..2600 loop
                    execute format('create table t%s (id serial primary key, v text); insert into t%s (v) values (''x'')', i, i);
                    if i % 500 = 0 then commit; end if;
                  end loop;
                end $$;
                """, "many");
            var path = BackupOf(pg, "many", "dev", "--format", "Plain");
            try
            {
                // Succeeds also means every table's exact row count matched the manifest.
                Succeeds(RunRestore(path, "--database", "many_copy"));
                Assert.Equal("2600", pg.Psql("select count(*) from pg_indexes where schemaname = 'public' and indexname like '%pkey'", "many_copy"));
            }
            finally
            {
                Drop(pg, "many_copy");
            }
        }
        finally
        {
            Drop(pg, "many");
        }
    }

    /// <summary>A plain restore fails part-way (its owner role is gone): no new database, the side database dropped, the original untouched.</summary>
    [Fact]
    public void AFailedPlainRestoreLeavesNothingBehind()
    {
        pg.Psql("drop role if exists gone_owner; create role gone_owner", "postgres");
        pg.Psql("create database doomed", "postgres");
        try
        {
            pg.Psql("create table a (id int); insert into a values (1); create table b (id int); alter table b owner to gone_owner;", "doomed");
            var path = BackupOf(pg, "doomed", "dev", "--format", "Plain");
            pg.Psql("reassign owned by gone_owner to app; drop role gone_owner", "doomed");
            var before = Databases(pg);

            Fails("RestoreFailed", RunRestore(path, "--database", "doomed_copy"));
            Fails("RestoreFailed", RunRestore(path, "--replace", "--skip-safety-backup"));
            Assert.Equal(before, Databases(pg));
            Assert.Equal("1", pg.Psql("select count(*) from a", "doomed"));
        }
        finally
        {
            Drop(pg, "doomed");
        }
    }
}
