using System.Globalization;
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
}

/// <summary>Exact row counts (count(*), not statistics) of every table the backup holds, in a restored database.</summary>
internal static class RestoredRows
{
    /// <summary>Tables per query: one exec for a typical schema, bounded SQL for a huge one.</summary>
    private const int TablesPerQuery = 200;

    public static async Task<IReadOnlyList<TableRowComparison>> CompareAsync(DockerClient docker, DatabaseTarget database,
        IReadOnlyList<TableRowCount> expected, CancellationToken cancellationToken)
    {
        var existing = (await database.QueryAsync(docker,
                "SELECT n.nspname || chr(31) || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')",
                cancellationToken).ConfigureAwait(false))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('\u001f'))
            .Where(p => p.Length == 2)
            .Select(p => (p[0], p[1]))
            .ToHashSet();

        var present = expected.Where(t => existing.Contains((t.Schema, t.Table))).ToArray();
        var counted = new Dictionary<(string, string), long>();
        foreach (var chunk in present.Chunk(TablesPerQuery))
        {
            var sql = string.Join(" UNION ALL ", chunk.Select((t, i) => $"SELECT {i}, count(*) FROM {SqlText.Table(t.Schema, t.Table)}"));
            foreach (var line in (await database.QueryAsync(docker, sql, cancellationToken).ConfigureAwait(false)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split('|');
                var table = chunk[int.Parse(parts[0], CultureInfo.InvariantCulture)];
                counted[(table.Schema, table.Table)] = long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        }

        return expected
            .Select(t => new TableRowComparison(t.Schema, t.Table, t.Rows, counted.TryGetValue((t.Schema, t.Table), out var n) ? n : null))
            .ToArray();
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
