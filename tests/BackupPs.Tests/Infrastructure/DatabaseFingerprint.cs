using System.Text;

namespace BackupPs.Tests.Infrastructure;

/// <summary>
/// Everything a restore must bring back, read from a live database as <c>key → value</c> facts, so a
/// round-trip test can compare the source and the restored copy and get a readable list of what differs.
/// </summary>
/// <remarks>
/// <para>Facts (names are <c>format('%I.%I')</c>-quoted, so <c>"Sales Data"."Order Lines"</c> but <c>rich.customers</c>):</para>
/// <list type="bullet">
/// <item><c>table:&lt;schema&gt;.&lt;table&gt;</c> → <c>&lt;rows&gt;:&lt;md5 of all rows as text, sorted&gt;</c> for every table, partitioned
/// parents and their leaf partitions included; <c>matview:…</c> the same for populated materialized views (else <c>unpopulated</c>).</item>
/// <item><c>sequence:…</c> → last_value, is_called and the sequence's parameters (type, start, increment, min, max, cache, cycle, owned-by).</item>
/// <item><c>lo:&lt;oid&gt;</c> → <c>&lt;bytes&gt;:&lt;md5&gt;</c> of every large object.</item>
/// <item>definitions: <c>schema:</c>, <c>extension:</c>, <c>relation:</c> (kind, persistence, options, partition key/bound),
/// <c>column:&lt;schema&gt;.&lt;table&gt;.&lt;column&gt;</c> (position, type, not null, default, identity, generated),
/// <c>constraint:&lt;schema&gt;.&lt;table&gt;.&lt;name&gt;</c>, <c>index:&lt;schema&gt;.&lt;name&gt;</c>, <c>trigger:&lt;schema&gt;.&lt;table&gt;.&lt;name&gt;</c>
/// (enabled state + definition), <c>rule:</c>, <c>policy:</c>, <c>view:</c> (md5 of pg_get_viewdef, views and matviews),
/// <c>routine:&lt;schema&gt;.&lt;name&gt;(&lt;args&gt;)</c> (md5 of pg_get_functiondef), <c>enum:</c> (labels in order),
/// <c>domain:</c> (base type, not null, default, constraints), <c>type:</c> (composite and range types),
/// <c>comment:&lt;pg_describe_object&gt;</c> (md5 of the text).</item>
/// <item><c>owner:…</c> (relations; <c>owner:schema:</c>, <c>owner:routine:</c>, <c>owner:type:</c>, <c>owner:lo:</c>) and
/// <c>acl:…</c> (the same objects, only when they have explicit privileges; <c>acl:default:</c> for default privileges).
/// A <c>--no-owner</c>/<c>--no-acl</c> restore is compared with <c>Without("owner:", "acl:")</c>.</item>
/// </list>
/// <para>Single-line definitions (indexes, constraints, triggers, columns) are kept as text, which makes differences readable;
/// multi-line or free text (views, routines, comments, row data) is reduced to an md5. Row text is rendered with fixed
/// TimeZone/DateStyle/extra_float_digits/bytea_output and sorted with COLLATE "C", so it doesn't depend on the session.</para>
/// <para>One <c>docker exec</c> in all: a catalog query plus one generated query per table/sequence run through psql's
/// <c>\gexec</c>, with NUL field and record separators (<c>-z -0</c>), which no PostgreSQL text can contain.</para>
/// <para>System schemas (<c>pg_*</c>, <c>information_schema</c>) are skipped. Not covered: database-level settings and
/// comments, publications/subscriptions, event triggers, statistics objects, column privileges, collations and text-search objects.</para>
/// </remarks>
public sealed record DatabaseFingerprint(IReadOnlyDictionary<string, string> Facts)
{
    private const string Absent = "(absent)";
    private const int ShownDifferences = 20;

    /// <summary>Reads every fact of <paramref name="database"/> on <paramref name="server"/> in one psql session.</summary>
    public static DatabaseFingerprint Take(PostgresContainer server, string database)
    {
        ArgumentNullException.ThrowIfNull(server);
        var result = ProcessRunner.Run("docker",
            ["exec", "-i", server.Name, "psql", "-X", "-q", "-A", "-t", "-z", "-0", "-v", "ON_ERROR_STOP=1",
             "-U", PostgresContainer.User, "-d", database],
            stdin: Encoding.UTF8.GetBytes(Script));
        Assert.True(result.ExitCode == 0, $"fingerprint of database '{database}' in {server.Name} failed: {result.Stderr}");
        return Parse(result.Stdout);
    }

    /// <summary>Parses psql's <c>-A -t -z -0</c> output of two-column rows: every field is followed by a NUL.</summary>
    public static DatabaseFingerprint Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var fields = output.Split('\0');
        if (fields.Length % 2 != 1 || fields[^1].Length != 0)
        {
            throw new FormatException($"fingerprint output is not NUL-separated key/value pairs ({fields.Length - 1} fields)");
        }

        var facts = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Length - 1; i += 2)
        {
            if (!facts.TryAdd(fields[i], fields[i + 1]))
            {
                throw new FormatException($"fingerprint fact '{fields[i]}' appears twice");
            }
        }

        return new DatabaseFingerprint(facts);
    }

    /// <summary>
    /// What differs, taking <paramref name="other"/> as the expected state and this one as what was found: empty when equal,
    /// otherwise one line per differing or missing fact, <c>key: expected X, found Y</c> (<c>(absent)</c> for a missing fact),
    /// in key order.
    /// </summary>
    public IReadOnlyList<string> DifferencesFrom(DatabaseFingerprint other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var keys = new SortedSet<string>(Facts.Keys, StringComparer.Ordinal);
        keys.UnionWith(other.Facts.Keys);
        var differences = new List<string>();
        foreach (var key in keys)
        {
            var expected = other.Facts.TryGetValue(key, out var e) ? e : null;
            var found = Facts.TryGetValue(key, out var f) ? f : null;
            if (!string.Equals(expected, found, StringComparison.Ordinal))
            {
                differences.Add($"{key}: expected {expected ?? Absent}, found {found ?? Absent}");
            }
        }

        return differences;
    }

    /// <summary>Fails the test, listing the first differences, unless this fingerprint equals <paramref name="expected"/>.</summary>
    public void AssertSameAs(DatabaseFingerprint expected)
    {
        var differences = DifferencesFrom(expected);
        if (differences.Count > 0)
        {
            var shown = string.Join('\n', differences.Take(ShownDifferences));
            var more = differences.Count > ShownDifferences ? $"\n... and {differences.Count - ShownDifferences} more" : string.Empty;
            Assert.Fail($"{differences.Count} of {Math.Max(Facts.Count, expected.Facts.Count)} database facts differ from the expected ones:\n{shown}{more}");
        }
    }

    /// <summary>The same facts minus those whose key starts with one of <paramref name="keyPrefixes"/> (e.g. "owner:", "acl:").</summary>
    public DatabaseFingerprint Without(params string[] keyPrefixes)
    {
        ArgumentNullException.ThrowIfNull(keyPrefixes);
        var kept = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Facts)
        {
            if (!keyPrefixes.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal)))
            {
                kept.Add(key, value);
            }
        }

        return new DatabaseFingerprint(kept);
    }

    /// <summary>All facts, one <c>key = value</c> line each, in key order (for logs and debugging).</summary>
    public string ToText() =>
        string.Join('\n', Facts.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key} = {f.Value}"));

    /// <summary>Value equality over the facts, so <c>Assert.Equal(before, after)</c> works (AssertSameAs says more).</summary>
    public bool Equals(DatabaseFingerprint? other) =>
        other is not null && Facts.Count == other.Facts.Count && DifferencesFrom(other).Count == 0;

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (key, value) in Facts.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            hash.Add(key, StringComparer.Ordinal);
            hash.Add(value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => $"DatabaseFingerprint ({Facts.Count} facts; use AssertSameAs or DifferencesFrom to compare)";

    // Session settings pin every text rendering that could otherwise differ between sessions or servers.
    // Query 1 reads the catalogs; query 2 generates one query per table/matview/sequence and \gexec runs them.
    // Every query returns exactly two text columns (key, value).
    private const string Script = """
        SET client_min_messages = warning;
        SET search_path = pg_catalog;
        SET TimeZone = 'UTC';
        SET DateStyle = 'ISO, YMD';
        SET IntervalStyle = 'postgres';
        SET extra_float_digits = 1;
        SET bytea_output = 'hex';
        SET lc_monetary = 'C';
        SET jit = off;
        WITH ns AS (
            SELECT oid, nspname, nspowner, nspacl FROM pg_namespace
             WHERE nspname !~ '^pg_' AND nspname <> 'information_schema'),
        rel AS (
            SELECT c.*, format('%I.%I', n.nspname, c.relname) AS qname
              FROM pg_class c JOIN ns n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')),
        typ AS (
            SELECT t.*, format('%I.%I', n.nspname, t.typname) AS qname
              FROM pg_type t JOIN ns n ON n.oid = t.typnamespace
             WHERE t.typtype IN ('e', 'd', 'r')
                OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')),
        fn AS (
            SELECT p.*, format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) AS qname
              FROM pg_proc p JOIN ns n ON n.oid = p.pronamespace),
        lo AS (
            SELECT m.oid, m.lomowner, m.lomacl, lo_get(m.oid) AS content FROM pg_largeobject_metadata m)
        SELECT f.k, f.v FROM (
            SELECT ('schema:' || quote_ident(nspname))::text AS k, 'present'::text AS v FROM ns
            UNION ALL SELECT 'owner:schema:' || quote_ident(nspname), pg_get_userbyid(nspowner)::text FROM ns
            UNION ALL SELECT 'acl:schema:' || quote_ident(nspname), array_to_string(ARRAY(SELECT x::text FROM unnest(nspacl) x ORDER BY 1), ',')
                        FROM ns WHERE nspacl IS NOT NULL
            UNION ALL SELECT 'extension:' || quote_ident(e.extname), e.extversion || ' in ' || quote_ident(n.nspname)
                        FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
            UNION ALL SELECT 'relation:' || r.qname,
                             concat_ws(' ', 'kind=' || r.relkind::text, 'persistence=' || r.relpersistence::text,
                                       'options=' || array_to_string(r.reloptions, ','),
                                       'partition-key=' || pg_get_partkeydef(r.oid),
                                       'partition-of=' || (SELECT p.qname FROM pg_inherits i JOIN rel p ON p.oid = i.inhparent
                                                            WHERE i.inhrelid = r.oid AND r.relispartition),
                                       'bound=' || pg_get_expr(r.relpartbound, r.oid),
                                       CASE WHEN r.relrowsecurity THEN 'row-security' END,
                                       CASE WHEN r.relforcerowsecurity THEN 'force-row-security' END,
                                       CASE WHEN r.relkind IN ('r', 'p') AND r.relreplident <> 'd' THEN 'replica-identity=' || r.relreplident::text END)
                        FROM rel r
            UNION ALL SELECT 'owner:' || qname, pg_get_userbyid(relowner)::text FROM rel
            UNION ALL SELECT 'acl:' || qname, array_to_string(ARRAY(SELECT x::text FROM unnest(relacl) x ORDER BY 1), ',')
                        FROM rel WHERE relacl IS NOT NULL
            UNION ALL SELECT 'column:' || r.qname || '.' || quote_ident(a.attname),
                             concat_ws(' ', '#' || row_number() OVER (PARTITION BY r.oid ORDER BY a.attnum),
                                       format_type(a.atttypid, a.atttypmod),
                                       CASE WHEN a.attcollation <> t.typcollation
                                            THEN 'collate ' || (SELECT quote_ident(collname) FROM pg_collation WHERE oid = a.attcollation) END,
                                       CASE WHEN a.attnotnull THEN 'not null' END,
                                       CASE a.attidentity WHEN 'a' THEN 'generated always as identity'
                                                          WHEN 'd' THEN 'generated by default as identity' END,
                                       CASE WHEN a.attgenerated = 's' THEN 'generated always as (' || pg_get_expr(d.adbin, d.adrelid) || ') stored'
                                            WHEN d.adbin IS NOT NULL THEN 'default ' || pg_get_expr(d.adbin, d.adrelid) END)
                        FROM rel r
                        JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
                        JOIN pg_type t ON t.oid = a.atttypid
                        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                       WHERE r.relkind IN ('r', 'p', 'f')
            UNION ALL SELECT 'constraint:' || r.qname || '.' || quote_ident(c.conname), pg_get_constraintdef(c.oid)
                        FROM pg_constraint c JOIN rel r ON r.oid = c.conrelid
            UNION ALL SELECT 'index:' || format('%I.%I', n.nspname, ic.relname),
                             pg_get_indexdef(i.indexrelid)
                             || CASE WHEN i.indisclustered THEN ' (clustered)' ELSE '' END
                             || CASE WHEN NOT i.indisvalid THEN ' (invalid)' ELSE '' END
                        FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN ns n ON n.oid = ic.relnamespace
            UNION ALL SELECT 'trigger:' || r.qname || '.' || quote_ident(tg.tgname), tg.tgenabled::text || ' ' || pg_get_triggerdef(tg.oid)
                        FROM pg_trigger tg JOIN rel r ON r.oid = tg.tgrelid WHERE NOT tg.tgisinternal
            UNION ALL SELECT 'rule:' || r.qname || '.' || quote_ident(rw.rulename), md5(pg_get_ruledef(rw.oid))
                        FROM pg_rewrite rw JOIN rel r ON r.oid = rw.ev_class WHERE rw.rulename <> '_RETURN'
            UNION ALL SELECT 'policy:' || r.qname || '.' || quote_ident(p.polname),
                             md5(concat_ws(' ', p.polcmd, p.polpermissive, p.polroles::regrole[]::text,
                                           pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)))
                        FROM pg_policy p JOIN rel r ON r.oid = p.polrelid
            UNION ALL SELECT 'view:' || qname, md5(pg_get_viewdef(oid)) FROM rel WHERE relkind IN ('v', 'm')
            UNION ALL SELECT 'matview:' || qname, 'unpopulated' FROM rel WHERE relkind = 'm' AND NOT relispopulated
            UNION ALL SELECT 'routine:' || qname, md5(pg_get_functiondef(oid)) FROM fn WHERE prokind <> 'a'
            UNION ALL SELECT 'routine:' || f.qname,
                             md5(concat_ws(' ', 'aggregate', a.aggkind, a.aggtransfn::regproc::text, a.aggfinalfn::regproc::text,
                                           a.aggcombinefn::regproc::text, format_type(a.aggtranstype, NULL), a.agginitval,
                                           a.aggsortop::regoperator::text))
                        FROM fn f JOIN pg_aggregate a ON a.aggfnoid = f.oid
            UNION ALL SELECT 'owner:routine:' || qname, pg_get_userbyid(proowner)::text FROM fn
            UNION ALL SELECT 'acl:routine:' || qname, array_to_string(ARRAY(SELECT x::text FROM unnest(proacl) x ORDER BY 1), ',')
                        FROM fn WHERE proacl IS NOT NULL
            UNION ALL SELECT 'enum:' || qname, (SELECT array_agg(enumlabel ORDER BY enumsortorder)::text FROM pg_enum WHERE enumtypid = t.oid)
                        FROM typ t WHERE typtype = 'e'
            UNION ALL SELECT 'domain:' || qname,
                             concat_ws(' ', format_type(typbasetype, typtypmod), CASE WHEN typnotnull THEN 'not null' END,
                                       'default ' || typdefault,
                                       (SELECT string_agg(quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid), ', ' ORDER BY c.conname)
                                          FROM pg_constraint c WHERE c.contypid = t.oid))
                        FROM typ t WHERE typtype = 'd'
            UNION ALL SELECT 'type:' || qname,
                             '(' || (SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
                                       FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) || ')'
                        FROM typ t WHERE typtype = 'c'
            UNION ALL SELECT 'type:' || qname, 'range of ' || format_type(r.rngsubtype, NULL)
                        FROM typ t JOIN pg_range r ON r.rngtypid = t.oid
            UNION ALL SELECT 'owner:type:' || qname, pg_get_userbyid(typowner)::text FROM typ
            UNION ALL SELECT 'acl:type:' || qname, array_to_string(ARRAY(SELECT x::text FROM unnest(typacl) x ORDER BY 1), ',')
                        FROM typ WHERE typacl IS NOT NULL
            UNION ALL SELECT 'acl:default:' || pg_get_userbyid(d.defaclrole)::text || ':' || coalesce(quote_ident(n.nspname), '*') || ':' || d.defaclobjtype::text,
                             array_to_string(ARRAY(SELECT x::text FROM unnest(d.defaclacl) x ORDER BY 1), ',')
                        FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
            UNION ALL SELECT 'comment:' || pg_describe_object(d.classoid, d.objoid, d.objsubid), md5(d.description)
                        FROM pg_description d WHERE d.objoid >= 16384
            UNION ALL SELECT 'lo:' || oid, octet_length(content) || ':' || md5(content) FROM lo
            UNION ALL SELECT 'owner:lo:' || oid, pg_get_userbyid(lomowner)::text FROM lo
            UNION ALL SELECT 'acl:lo:' || oid, array_to_string(ARRAY(SELECT x::text FROM unnest(lomacl) x ORDER BY 1), ',')
                        FROM lo WHERE lomacl IS NOT NULL
        ) f;
        WITH rel AS (
            SELECT c.oid, c.relkind, c.relispopulated, n.nspname, c.relname, format('%I.%I', n.nspname, c.relname) AS qname
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema')
        SELECT format('SELECT %L, count(*) || '':'' || md5(coalesce(string_agg(r, E''\n'' ORDER BY r COLLATE "C"), '''')) FROM (SELECT ROW(t.*)::text AS r FROM %I.%I t) s',
                      CASE relkind WHEN 'm' THEN 'matview:' ELSE 'table:' END || qname, nspname, relname)
          FROM rel WHERE relkind IN ('r', 'p') OR (relkind = 'm' AND relispopulated)
        UNION ALL
        SELECT format('SELECT %L, format(''last_value=%%s is_called=%%s'', last_value, is_called) || %L FROM %I.%I',
                      'sequence:' || r.qname,
                      concat_ws(' ', '', 'type=' || format_type(s.seqtypid, NULL), 'start=' || s.seqstart, 'increment=' || s.seqincrement,
                                'min=' || s.seqmin, 'max=' || s.seqmax, 'cache=' || s.seqcache, 'cycle=' || s.seqcycle,
                                'owned-by=' || (SELECT o.qname || '.' || quote_ident(a.attname)
                                                  FROM pg_depend d JOIN rel o ON o.oid = d.refobjid
                                                  JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                                                 WHERE d.classid = 'pg_class'::regclass AND d.objid = r.oid
                                                   AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))),
                      r.nspname, r.relname)
          FROM rel r JOIN pg_sequence s ON s.seqrelid = r.oid
        \gexec
        """;
}

/// <summary>Loads tests/rig/rich-schema.sql, the fixture that exercises every object kind a restore must bring back.</summary>
public static class RichSchema
{
    public static string ScriptPath { get; } = Path.Combine(PostgresContainer.RepositoryRoot, "tests", "rig", "rich-schema.sql");

    /// <summary>Creates <paramref name="database"/> when it does not exist, then runs rich-schema.sql in it (which replaces what it owns).</summary>
    public static void LoadRichSchema(this PostgresContainer server, string database)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentException.ThrowIfNullOrEmpty(database);
        var exists = server.Psql($"select count(*) from pg_database where datname = '{database.Replace("'", "''", StringComparison.Ordinal)}'", "postgres");
        if (exists == "0")
        {
            PostgresContainer.Docker(["exec", server.Name, "createdb", "-U", PostgresContainer.User, database]);
        }

        var load = ProcessRunner.Run("docker",
            ["exec", "-i", server.Name, "psql", "-X", "-q", "-U", PostgresContainer.User, "-d", database, "-v", "ON_ERROR_STOP=1"],
            stdinFile: ScriptPath);
        Assert.True(load.ExitCode == 0, $"loading rich-schema.sql into '{database}' failed: {load}");
    }
}
