using System.Text.Json;
using BackupPs.Tests.Infrastructure;
using Xunit;
using static BackupPs.Tests.EndToEnd.RestoreTestSupport;

namespace BackupPs.Tests.EndToEnd;

/// <summary>Two bare servers (PostgreSQL 15 and 17) whose databases the tests below shape as they need.</summary>
public sealed class ShapeServers : IAsyncLifetime
{
    public PostgresContainer Pg15 { get; } = new(scale: 0);

    public PostgresContainer Pg17 { get; } = new(scale: 0, image: PostgresContainer.Image17);

    public Task InitializeAsync() => Task.WhenAll(Pg15.InitializeAsync(), Pg17.InitializeAsync());

    public Task DisposeAsync() => Task.WhenAll(Pg15.DisposeAsync(), Pg17.DisposeAsync());
}

/// <summary>
/// Issue 8, kinds 1-3, through the real CLI: what the restore check counts (inheritance, odd names),
/// BackupPs's own sessions against the database's settings and event triggers, and the database's
/// encoding, collation and settings across backup, drill, new restore and replace.
/// </summary>
public sealed class DatabaseShapeTests(ShapeServers servers) : IClassFixture<ShapeServers>
{
    /// <summary>PGOPTIONS for the test's own psql calls into databases whose settings would stop them.</summary>
    private const string Unhindered = "-c statement_timeout=0 -c lock_timeout=0 -c default_transaction_read_only=off";

    private static ProcessResult Drill(string path, params string[] args) => BackupPsCli.Run(["test-backup", path, "--restore", "--json", .. args]);

    private static JsonElement DrillPasses(string path, params string[] args)
    {
        var result = Drill(path, args);
        Assert.True(result.ExitCode == 0, result.ToString());
        var drill = Assert.Single(BackupPsCli.JsonLines(result));
        Assert.True(drill.GetProperty("Passed").GetBoolean(), result.ToString());
        return drill;
    }

    private string Psql(PostgresContainer pg, string database, string sql) =>
        PostgresContainer.Docker(["exec", "-e", "PGCLIENTENCODING=UTF8", "-e", "PGOPTIONS=" + Unhindered + (pg == servers.Pg17 ? " -c transaction_timeout=0" : ""), pg.Name, "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
            "-U", PostgresContainer.User, "-d", database, "-c", sql]).Trim();

    private void CreateDatabase(PostgresContainer pg, string database, string options = "") =>
        Psql(pg, "postgres", $"create database \"{database}\" template template0 {options}");

    private static JsonElement Manifest(string path) =>
        JsonDocument.Parse(File.ReadAllText(Core.Catalog.BackupNames.ManifestPathFor(path))).RootElement;

    /// <summary>Backs <paramref name="database"/> up in <paramref name="format"/>, proves the drill passes and restores it as &lt;database&gt;_copy (the caller drops that).</summary>
    private static string BackUpDrillAndRestore(PostgresContainer pg, string database, string format)
    {
        var path = BackupOf(pg, database, "dev", "--format", format);
        DrillPasses(path);
        Succeeds(RunRestore(path, "--database", database + "_copy"));
        return path;
    }

    /// <summary>
    /// The manifest counts each table's own COPY rows; a parent's count(*) also sees its inheritance
    /// children. Before the fix, drill, restore and replace all failed with "public.sales 3 rows
    /// restored, 1 in the backup".
    /// </summary>
    [Theory]
    [InlineData("Custom")]
    [InlineData("Plain")]
    public void InheritanceParentsAreCountedWithoutTheirChildren(string format)
    {
        var pg = servers.Pg15;
        var db = "inherit_" + format.ToLowerInvariant();
        CreateDatabase(pg, db);
        try
        {
            Psql(pg, db, """
                create table sales(id serial primary key, amount int);
                create table sales_q1() inherits (sales);
                create table sales_q1_east() inherits (sales_q1);
                insert into sales(amount) values (10);
                insert into sales_q1(amount) values (20), (30);
                insert into sales_q1_east(amount) values (40);
                """);
            var path = BackupOf(pg, db, "dev", "--format", format);
            var tables = Manifest(path).GetProperty("Tables").EnumerateArray().ToDictionary(t => t.GetProperty("Table").GetString()!, t => t.GetProperty("Rows").GetInt64());
            Assert.Equal(1, tables["sales"]);
            Assert.Equal(2, tables["sales_q1"]);
            Assert.Equal(1, tables["sales_q1_east"]);

            DrillPasses(path);
            Succeeds(RunRestore(path, "--database", db + "_copy"));
            Assert.Equal("4", Psql(pg, db + "_copy", "select count(*) from sales"));
            Succeeds(RunRestore(path, "--replace", "--skip-safety-backup"));
            Assert.Equal("4", Psql(pg, db, "select count(*) from sales"));
        }
        finally
        {
            Drop(pg, db + "_copy");
            Drop(pg, db);
        }
    }

    /// <summary>
    /// Names are never read back from psql's output, so a newline, a '|' or the unit separator in a
    /// schema or table name cannot split a row. Before the fix the table with a newline was "missing".
    /// </summary>
    [Fact]
    public void TablesWithLineBreaksAndSeparatorsInTheirNamesAreCounted()
    {
        var pg = servers.Pg15;
        const string db = "odd_names";
        CreateDatabase(pg, db);
        try
        {
            Psql(pg, db, """
                create schema "we|ird";
                create table "line
                break" (id int);
                create table "we|ird"."pipe|and""quote" (id int);
                insert into "line
                break" select generate_series(1, 3);
                insert into "we|ird"."pipe|and""quote" select generate_series(1, 5);
                """ + "\ncreate table \"unit\u001fsep\" (id int); insert into \"unit\u001fsep\" values (1);");
            var path = BackupOf(pg, db);
            var drill = DrillPasses(path);
            Assert.Contains(drill.GetProperty("Checks").EnumerateArray(), c => c.GetProperty("Name").GetString() == "RestoredRows" && c.GetProperty("Passed").GetBoolean());
            var record = Succeeds(RunRestore(path, "--database", db + "_copy"));
            Assert.Contains(record.GetProperty("Tables").EnumerateArray(), t => t.GetProperty("Table").GetString() == "line\nbreak" && t.GetProperty("Restored").GetInt64() == 3);
        }
        finally
        {
            Drop(pg, db + "_copy");
            Drop(pg, db);
        }
    }

    /// <summary>
    /// Other properties of tables that change what a plain count(*) sees, or what loading fires:
    /// partitions two levels deep, row-level security forced on a table with a policy that hides
    /// every row (the restore's login bypasses it, as pg_dump's did), an unlogged table, and a
    /// trigger and a rule that would copy rows elsewhere (both are created after the data, as
    /// pg_restore orders them, so the load fires neither).
    /// </summary>
    [Fact]
    public void TablePropertiesDoNotChangeTheCounts()
    {
        var pg = servers.Pg15;
        const string db = "properties";
        CreateDatabase(pg, db);
        try
        {
            Psql(pg, db, """
                create table measures (region text, year int, v int) partition by list (region);
                create table measures_eu partition of measures for values in ('eu') partition by range (year);
                create table measures_eu_2026 partition of measures_eu for values from (2026) to (2027);
                create table measures_other partition of measures default;
                insert into measures values ('eu', 2026, 1), ('eu', 2026, 2), ('us', 2025, 3);
                create role bps_hidden_owner;
                create table secrets (id int);
                insert into secrets select generate_series(1, 4);
                alter table secrets owner to bps_hidden_owner;
                alter table secrets enable row level security;
                alter table secrets force row level security;
                create policy nothing on secrets using (false);
                create unlogged table scratch (id int);
                insert into scratch select generate_series(1, 6);
                create table audit (id int);
                create table audited (id int);
                insert into audited select generate_series(1, 7);
                create function copy_row() returns trigger language plpgsql as $$ begin insert into audit values (new.id); return new; end $$;
                create trigger copy_row after insert on audited for each row execute function copy_row();
                create rule echo as on insert to scratch do also insert into audit values (new.id);
                """);
            foreach (var format in new[] { "Custom", "Plain" })
            {
                var path = BackupOf(pg, db, "dev", "--format", format);
                DrillPasses(path);
                var record = Succeeds(RunRestore(path, "--database", db + "_copy"));
                var restored = record.GetProperty("Tables").EnumerateArray().ToDictionary(t => t.GetProperty("Table").GetString()!, t => t.GetProperty("Restored").GetInt64());
                Assert.Equal(2, restored["measures_eu_2026"]);
                Assert.Equal(1, restored["measures_other"]);
                Assert.Equal(4, restored["secrets"]);
                Assert.Equal(6, restored["scratch"]);
                Assert.Equal(0, restored["audit"]);
                Drop(pg, db + "_copy");
            }
        }
        finally
        {
            Drop(pg, db + "_copy");
            Drop(pg, db);
            Psql(pg, "postgres", "drop role if exists bps_hidden_owner");
        }
    }

    /// <summary>
    /// pg_dump loads hash partitions on an enum column through their root (an enum's hash differs
    /// between databases), in both formats: the rows then land in other partitions than in the source.
    /// The manifest counts them for the root, and the check counts the root's tree. Before the fix a
    /// plain backup crashed with a duplicate key, and every restore of a custom one failed its counts.
    /// </summary>
    [Fact]
    public void PartitionsLoadedThroughTheirRootAreCountedForTheRoot()
    {
        var pg = servers.Pg15;
        const string db = "via_root";
        CreateDatabase(pg, db);
        try
        {
            Psql(pg, db, """
                create type color as enum ('red', 'green', 'blue', 'cyan', 'magenta', 'yellow', 'black', 'white');
                create table hp (c color, n int) partition by hash (c);
                create table hp0 partition of hp for values with (modulus 4, remainder 0);
                create table hp1 partition of hp for values with (modulus 4, remainder 1);
                create table hp2 partition of hp for values with (modulus 4, remainder 2);
                create table hp3 partition of hp for values with (modulus 4, remainder 3);
                insert into hp select (enum_range(null::color))[1 + g % 8], g from generate_series(1, 400) g;
                """);
            foreach (var format in new[] { "Custom", "Plain" })
            {
                var path = BackUpDrillAndRestore(pg, db, format);
                var root = Assert.Single(Manifest(path).GetProperty("Tables").EnumerateArray());
                Assert.Equal(("hp", 400), (root.GetProperty("Table").GetString(), root.GetProperty("Rows").GetInt64()));
                Assert.Equal("400", Psql(pg, db + "_copy", "select count(*) from hp"));
                Drop(pg, db + "_copy");
            }
        }
        finally
        {
            Drop(pg, db + "_copy");
            Drop(pg, db);
        }
    }

    /// <summary>
    /// A dump is written in the client encoding, which a LATIN1 database or ALTER DATABASE ... SET
    /// client_encoding makes other than UTF-8: names in the manifest came out as U+FFFD and every
    /// restore failed. BackupPs now dumps in UTF-8, and the restore converts back.
    /// </summary>
    [Fact]
    public void NamesOutsideAsciiSurviveDatabasesThatAreNotUtf8()
    {
        var pg = servers.Pg15;
        CreateDatabase(pg, "latin_names", "encoding 'LATIN1' lc_collate 'C' lc_ctype 'C'");
        CreateDatabase(pg, "latin_client");
        try
        {
            foreach (var db in new[] { "latin_names", "latin_client" })
            {
                Psql(pg, db, "create table \"café\" (s text); insert into \"café\" values ('é'), ('ß')");
            }

            Psql(pg, "postgres", "alter database latin_client set client_encoding = 'LATIN1'");
            foreach (var db in new[] { "latin_names", "latin_client" })
            {
                foreach (var format in new[] { "Custom", "Plain" })
                {
                    var path = BackUpDrillAndRestore(pg, db, format);
                    Assert.Equal("café", Assert.Single(Manifest(path).GetProperty("Tables").EnumerateArray()).GetProperty("Table").GetString());
                    Assert.Equal("ß é", Psql(pg, db + "_copy", "select string_agg(s, ' ' order by s) from \"café\""));
                    Drop(pg, db + "_copy");
                }
            }
        }
        finally
        {
            foreach (var db in new[] { "latin_names", "latin_client", "latin_names_copy", "latin_client_copy" })
            {
                Drop(pg, db);
            }
        }
    }

    /// <summary>
    /// An extension's configuration table (pg_extension_config_dump, as PostGIS's spatial_ref_sys) is
    /// dumped with the extension's filter, and CREATE EXTENSION fills in its own rows before the data
    /// arrives: the check counts what pg_dump dumped. Before the fix every restore failed its counts.
    /// </summary>
    [Fact]
    public void ExtensionConfigurationTablesAreCountedWithTheExtensionsFilter()
    {
        var pg = servers.Pg15;
        const string db = "with_extension";
        // A minimal extension, installed into this container's extension directory.
        PostgresContainer.Docker(["exec", pg.Name, "sh", "-c", """
            dir=$(pg_config --sharedir)/extension
            printf "default_version = '1.0'\nrelocatable = false\nschema = public\n" > $dir/bps_cfg.control
            cat > $dir/bps_cfg--1.0.sql <<'SQL'
            create table cfg (k text primary key, v text);
            insert into cfg values ('default_a', '1'), ('default_b', '2');
            select pg_catalog.pg_extension_config_dump('cfg', $$WHERE k NOT LIKE 'default%'$$);
            SQL
            """]);
        CreateDatabase(pg, db);
        try
        {
            Psql(pg, db, "create extension bps_cfg; insert into cfg values ('x', '1'), ('y', '2'), ('z', '3')");
            foreach (var format in new[] { "Custom", "Plain" })
            {
                var path = BackUpDrillAndRestore(pg, db, format);
                Assert.Equal(3, Assert.Single(Manifest(path).GetProperty("Tables").EnumerateArray()).GetProperty("Rows").GetInt64());
                Assert.Equal("5", Psql(pg, db + "_copy", "select count(*) from cfg"));
                Drop(pg, db + "_copy");
            }
        }
        finally
        {
            Drop(pg, db + "_copy");
            Drop(pg, db);
        }
    }

    /// <summary>
    /// PostgreSQL 17's login event triggers fire for every new connection, BackupPs's checks included:
    /// a login log would have grown by one row per check. A superuser's sessions now connect with
    /// event_triggers=off. Before the fix drill, restore and replace failed their counts.
    /// </summary>
    [Fact]
    public void LoginEventTriggersDoNotFireForTheRestoresOwnConnections()
    {
        var pg = servers.Pg17;
        const string db = "logins";
        CreateDatabase(pg, db);
        try
        {
            Psql(pg, db, """
                create table login_log (id serial, who text);
                create function on_login() returns event_trigger language plpgsql as $$ begin insert into public.login_log (who) values (session_user); end $$;
                create event trigger et_login on login execute function on_login();
                alter event trigger et_login enable always;
                """);
            foreach (var format in new[] { "Custom", "Plain" })
            {
                var path = BackUpDrillAndRestore(pg, db, format);
                Succeeds(RunRestore(path, "--replace", "--skip-safety-backup"));
                Drop(pg, db + "_copy");
            }
        }
        finally
        {
            Drop(pg, db + "_copy");
            Drop(pg, db);
        }
    }

    /// <summary>
    /// The database's own settings would stop BackupPs's sessions (COPY, CREATE DATABASE, counts) as
    /// they stop any other: a 1 ms statement timeout, lock and idle timeouts, read-only by default.
    /// pg_restore turns the timeouts off for itself; BackupPs now does the same for all its sessions,
    /// and applies the settings to the restored database only after the load. Before the fix the
    /// replace failed with "a COPY session stopped reading (Broken pipe)".
    /// </summary>
    [Theory]
    [InlineData(15)]
    [InlineData(17)]
    public void TheDatabasesOwnTimeoutsAndReadOnlyDefaultActOnlyAfterTheRestore(int major)
    {
        var pg = major == 15 ? servers.Pg15 : servers.Pg17;
        const string db = "settled";
        CreateDatabase(pg, db);
        try
        {
            Psql(pg, db, "create table big (id int primary key, note text); insert into big select g, md5(g::text) from generate_series(1, 200000) g");
            var settings = new List<string>
            {
                "statement_timeout = '1ms'", "lock_timeout = '1ms'", "idle_in_transaction_session_timeout = '1ms'",
                "idle_session_timeout = '100ms'", "default_transaction_read_only = on",
                "search_path = \"$user\", public", "app.tenant = 'it''s'",
            };
            if (major >= 17)
            {
                settings.Add("transaction_timeout = '1ms'");
            }

            foreach (var setting in settings)
            {
                Psql(pg, "postgres", $"alter database {db} set {setting}");
            }

            var path = BackupOf(pg, db);
            var recorded = Manifest(path).GetProperty("DatabaseProperties").GetProperty("Settings").EnumerateArray().Select(s => s.GetProperty("Name").GetString()).ToArray();
            Assert.Contains("statement_timeout", recorded);
            Assert.Contains("default_transaction_read_only", recorded);

            // The drill applies the recorded settings before its checks, as a restore does.
            DrillPasses(path, "--query", "select count(*) from pg_db_role_setting s join pg_database d on d.oid = s.setdatabase where d.datname = current_database()",
                "--expected", "1");
            Succeeds(RunRestore(path, "--replace", "--skip-safety-backup"));
            Assert.Equal("200000", Psql(pg, db, "select count(*) from big"));
            Succeeds(RunRestore(path, "--database", db + "_copy"));
            foreach (var copy in new[] { db, db + "_copy" })
            {
                var kept = Psql(pg, "postgres", $"select array_to_string(setconfig, ',') from pg_db_role_setting s join pg_database d on d.oid = s.setdatabase where d.datname = '{copy}' and s.setrole = 0");
                Assert.Contains("statement_timeout=1ms", kept);
                Assert.Contains("default_transaction_read_only=on", kept);
                Assert.Contains("search_path=\"$user\", public", kept);
                Assert.Contains("app.tenant=it's", kept);
            }
        }
        finally
        {
            Drop(pg, db + "_copy");
            Drop(pg, db);
        }
    }

    /// <summary>
    /// Server-wide settings (ALTER SYSTEM) reach every session: BackupPs's are exempt from the
    /// statement timeout, and its COPY sessions read XML as pg_restore's do.
    /// </summary>
    [Fact]
    public void ServerWideSettingsStopNeitherBackupNorDrill()
    {
        var pg = servers.Pg15;
        const string db = "server_timeout";
        CreateDatabase(pg, db);
        try
        {
            Psql(pg, db, "create table big (id int primary key, note text); insert into big select g, md5(g::text) from generate_series(1, 200000) g");
            // A fragment is valid XML content but not a document: pg_restore's sessions read COPY data under xmloption = content.
            Psql(pg, db, "create table fragments (x xml); insert into fragments values (xmlparse(content '<a/>tail'))");
            Psql(pg, "postgres", "alter system set statement_timeout = '1ms'");
            Psql(pg, "postgres", "alter system set xmloption = 'document'");
            Psql(pg, "postgres", "select pg_reload_conf()");
            var path = BackupOf(pg, db);
            DrillPasses(path);
        }
        finally
        {
            Psql(pg, "postgres", "alter system reset statement_timeout");
            Psql(pg, "postgres", "alter system reset xmloption");
            Psql(pg, "postgres", "select pg_reload_conf()");
            Drop(pg, db);
        }
    }

    /// <summary>
    /// Event triggers fire on DDL in their database. They are restored last, after BackupPs's own DDL
    /// (the autovacuum pause and reset), as pg_restore orders them: a logging trigger logs nothing
    /// extra, a blocking one blocks nothing. Before the fix the log grew by one row per table and the
    /// blocking trigger failed the restore as DatabaseUnavailable.
    /// </summary>
    [Fact]
    public void EventTriggersSeeNoneOfTheRestoresOwnStatements()
    {
        var pg = servers.Pg15;
        const string db = "evented";
        CreateDatabase(pg, db);
        try
        {
            Psql(pg, db, """
                create table ddl_log (id serial primary key, tag text);
                create function log_ddl() returns event_trigger language plpgsql as $$ begin insert into ddl_log(tag) values (tg_tag); end $$;
                create event trigger log_ddl on ddl_command_end execute function log_ddl();
                create table orders (id int primary key);
                create table items (id int primary key, order_id int references orders);
                insert into orders select generate_series(1, 100);
                comment on event trigger log_ddl is 'audit';
                create function no_ddl() returns event_trigger language plpgsql as $$ begin raise exception 'DDL is blocked here'; end $$;
                create event trigger no_ddl on ddl_command_start execute function no_ddl();
                """);
            var logged = Psql(pg, db, "select count(*) from ddl_log");
            var path = BackupOf(pg, db);

            DrillPasses(path, "--query", "select count(*) from ddl_log", "--expected", logged);
            Succeeds(RunRestore(path, "--database", db + "_copy"));
            Assert.Equal(logged, Psql(pg, db + "_copy", "select count(*) from ddl_log"));
            Assert.Equal("log_ddl:audit,no_ddl:", Psql(pg, db + "_copy",
                "select string_agg(evtname || ':' || coalesce(obj_description(oid, 'pg_event_trigger'), ''), ',' order by evtname) from pg_event_trigger"));
            Succeeds(RunRestore(path, "--replace", "--skip-safety-backup"));
            Assert.Equal(logged, Psql(pg, db, "select count(*) from ddl_log"));
        }
        finally
        {
            Drop(pg, db + "_copy");
            Drop(pg, db);
        }
    }

    /// <summary>
    /// A database's encoding and collation are not in a dump without --create: the restore creates
    /// its database with those recorded in the manifest. Before the fix an ICU database came back as
    /// libc after --replace, and ORDER BY silently changed.
    /// </summary>
    [Fact]
    public void EncodingAndCollationSurviveReplaceNewRestoreAndDrill()
    {
        var pg = servers.Pg15;
        CreateDatabase(pg, "icu", "locale_provider icu icu_locale 'de-DE'");
        CreateDatabase(pg, "latin", "encoding 'LATIN1' lc_collate 'C' lc_ctype 'C'");
        try
        {
            const string words = "create table words (w text); insert into words values ('a'), ('B'), ('ä'), ('z'), ('Z'), ('b')";
            Psql(pg, "icu", words);
            Psql(pg, "latin", words);
            var icuOrder = Psql(pg, "icu", "select string_agg(w, ' ' order by w) from words");
            var icu = BackupOf(pg, "icu");
            var latin = BackupOf(pg, "latin", "dev", "--format", "Plain");
            var properties = Manifest(icu).GetProperty("DatabaseProperties");
            Assert.Equal("icu", properties.GetProperty("LocaleProvider").GetString());
            Assert.Equal("de-DE", properties.GetProperty("Locale").GetString());
            Assert.Equal("LATIN1", Manifest(latin).GetProperty("DatabaseProperties").GetProperty("Encoding").GetString());

            DrillPasses(icu, "--query", "select datlocprovider::text || daticulocale from pg_database where datname = current_database()", "--expected", "ide-DE");
            Succeeds(RunRestore(icu, "--replace", "--skip-safety-backup"));
            Succeeds(RunRestore(icu, "--database", "icu_copy"));
            Succeeds(RunRestore(latin, "--database", "latin_copy"));
            foreach (var copy in new[] { "icu", "icu_copy" })
            {
                Assert.Equal("i|de-DE", Psql(pg, "postgres", $"select datlocprovider::text || '|' || daticulocale from pg_database where datname = '{copy}'"));
                Assert.Equal(icuOrder, Psql(pg, copy, "select string_agg(w, ' ' order by w) from words"));
            }

            Assert.Equal("LATIN1|C", Psql(pg, "postgres", "select pg_encoding_to_char(encoding) || '|' || datcollate from pg_database where datname = 'latin_copy'"));
        }
        finally
        {
            foreach (var db in new[] { "icu", "icu_copy", "latin", "latin_copy" })
            {
                Drop(pg, db);
            }
        }
    }

    /// <summary>PostgreSQL 16+ ICU rules and the 17 builtin provider are recorded and re-created too.</summary>
    [Fact]
    public void IcuRulesAndTheBuiltinProviderSurviveOnPostgres17()
    {
        var pg = servers.Pg17;
        CreateDatabase(pg, "ruled", "locale_provider icu icu_locale 'und' icu_rules '&a < z'");
        CreateDatabase(pg, "builtin", "locale_provider builtin builtin_locale 'C.UTF-8'");
        try
        {
            var ruled = BackupOf(pg, "ruled");
            var builtin = BackupOf(pg, "builtin");
            Assert.Equal("&a < z", Manifest(ruled).GetProperty("DatabaseProperties").GetProperty("IcuRules").GetString());
            Succeeds(RunRestore(ruled, "--database", "ruled_copy"));
            Succeeds(RunRestore(builtin, "--database", "builtin_copy"));
            Assert.Equal("i|und|&a < z", Psql(pg, "postgres", "select datlocprovider::text || '|' || datlocale || '|' || daticurules from pg_database where datname = 'ruled_copy'"));
            Assert.Equal("b|C.UTF-8", Psql(pg, "postgres", "select datlocprovider::text || '|' || datlocale from pg_database where datname = 'builtin_copy'"));
        }
        finally
        {
            foreach (var db in new[] { "ruled", "ruled_copy", "builtin", "builtin_copy" })
            {
                Drop(pg, db);
            }
        }
    }
}
