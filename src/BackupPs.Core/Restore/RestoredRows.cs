using System.Globalization;
using System.Text;
using BackupPs.Core.Database;
using BackupPs.Core.Docker;
using BackupPs.Core.Postgres;

namespace BackupPs.Core.Restore;

/// <summary>A table's rows as the manifest recorded them at backup time and as counted after the restore.</summary>
/// <param name="Expected">Rows in the backup (null: not known, not compared).</param>
/// <param name="Restored">Rows counted in the restored database (null: the table is missing).</param>
public sealed record TableRowComparison(string Schema, string Table, long? Expected, long? Restored)
{
    public bool Matches => Expected is null || Expected == Restored;

    /// <summary>"public.items: 12 restored, 12 in the backup": one readable line, not the record syntax.</summary>
    public override string ToString() =>
        $"{Schema}.{Table}: {(Restored is { } r ? r.ToString(CultureInfo.InvariantCulture) + " restored" : "missing")}, "
        + (Expected is { } e ? e.ToString(CultureInfo.InvariantCulture) : "?") + " in the backup";
}

/// <summary>
/// Exact row counts of every table the backup holds, in a restored database, counting what the
/// manifest counted: the rows of each table's own COPY data. Hence
/// <list type="bullet">
/// <item><c>FROM ONLY</c> for ordinary tables: a parent of inheritance children would otherwise count
/// their rows too (a partitioned table is counted whole: its rows live in its partitions, and a dump
/// made with --load-via-partition-root names the root for them);</item>
/// <item><c>row_security = off</c>, as pg_dump sets it: a policy that would hide rows from the login
/// makes the count fail instead of coming out short;</item>
/// <item>for a table an extension declares as its configuration (pg_extension_config_dump, like
/// PostGIS's spatial_ref_sys), the rows matching the extension's filter only, as pg_dump dumped
/// them: CREATE EXTENSION puts the extension's own rows there first;</item>
/// <item>names travel only as SQL literals and identifiers and never come back: the answers are
/// numbers, so a name with a newline, a '|' or any other character cannot be misread.</item>
/// </list>
/// The session's timeouts are already off (<see cref="DatabaseTarget.ProtectedSessionOptions"/>), and
/// count and the catalogs are schema-qualified, so the database's search_path cannot redirect them.
/// </summary>
internal static class RestoredRows
{
    /// <summary>Tables per query: one exec for a typical schema, bounded SQL for a huge one.</summary>
    private const int TablesPerQuery = 200;

    public static async Task<IReadOnlyList<TableRowComparison>> CompareAsync(DockerClient docker, DatabaseTarget database,
        IReadOnlyList<TableRowCount> expected, CancellationToken cancellationToken)
    {
        var counted = new Dictionary<int, long>();
        for (var first = 0; first < expected.Count; first += TablesPerQuery)
        {
            var chunk = expected.Skip(first).Take(TablesPerQuery).ToArray();
            var kinds = await RelationKindsAsync(docker, database, chunk, first, cancellationToken).ConfigureAwait(false);
            if (kinds.Count == 0)
            {
                continue;
            }

            // pg_dump's session: no row security, an empty search_path (the extensions' filters were written for it).
            var sql = "SET row_security = off;\nSET search_path = '';\n" + string.Join("\nUNION ALL ", kinds.Select(k =>
            {
                var t = expected[k.Key];
                var only = k.Value.Kind == 'p' ? "" : "ONLY ";
                return $"SELECT {k.Key}, pg_catalog.count(*) FROM {only}{SqlText.Table(t.Schema, t.Table)} {k.Value.ExtensionFilter}";
            })) + ";\n";
            foreach (var line in (await database.QueryAsync(docker, sql, cancellationToken, script: true).ConfigureAwait(false))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split('|');
                counted[int.Parse(parts[0], CultureInfo.InvariantCulture)] = long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        }

        return expected
            .Select((t, i) => new TableRowComparison(t.Schema, t.Table, t.Rows, counted.TryGetValue(i, out var n) ? n : null))
            .ToArray();
    }

    /// <summary>
    /// Which of the tables exist, by index into the manifest's list: relkind ('r' table, 'p' partitioned
    /// table), and for an extension's configuration table the filter pg_dump dumped it with
    /// ("WHERE NOT standard_entry", or empty for all rows). The filter comes back hex-encoded, so that no
    /// text of the catalog can break the lines.
    /// </summary>
    private static async Task<Dictionary<int, (char Kind, string ExtensionFilter)>> RelationKindsAsync(DockerClient docker, DatabaseTarget database, TableRowCount[] tables,
        int firstIndex, CancellationToken cancellationToken)
    {
        var values = string.Join(", ", tables.Select((t, i) => $"({firstIndex + i}, {SqlText.Literal(t.Schema)}, {SqlText.Literal(t.Table)})"));
        var rows = await database.QueryAsync(docker, $"""
            SELECT v.i || '|' || c.relkind::text || '|' || coalesce(pg_catalog.encode(pg_catalog.convert_to(x.filter, 'UTF8'), 'hex'), '')
              FROM (VALUES {values}) AS v(i, schema_name, table_name)
              JOIN pg_catalog.pg_namespace n ON n.nspname = v.schema_name
              JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = v.table_name AND c.relkind IN ('r', 'p')
              LEFT JOIN LATERAL (SELECT e.extcondition[pg_catalog.array_position(e.extconfig, c.oid)] AS filter
                                   FROM pg_catalog.pg_extension e WHERE c.oid = ANY (e.extconfig)) x ON true
            """, cancellationToken).ConfigureAwait(false);
        return rows.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Trim().Split('|'))
            .ToDictionary(p => int.Parse(p[0], CultureInfo.InvariantCulture), p => (p[1][0], Encoding.UTF8.GetString(Convert.FromHexString(p[2]))));
    }

    /// <summary>"3 tables differ: public.items 10 restored, 12 in the backup; ..." or null when all match.</summary>
    public static string? Describe(IReadOnlyList<TableRowComparison> tables)
    {
        var wrong = tables.Where(t => !t.Matches).ToArray();
        return wrong.Length == 0
            ? null
            : $"{wrong.Length} table(s) differ from the backup: " + string.Join("; ", wrong.Take(5).Select(t =>
                $"{t.Schema}.{t.Table} {(t.Restored is { } r ? r.ToString(CultureInfo.InvariantCulture) + " rows restored" : "missing")}, {t.Expected} in the backup"))
              + (wrong.Length > 5 ? $"; and {wrong.Length - 5} more" : "");
    }
}
