using System.Globalization;
using BackupPs.Core.Database;
using BackupPs.Core.Docker;

namespace BackupPs.Core.Restore;

/// <summary>
/// Keeps autovacuum off the tables of a database being restored. A new table's insert threshold is
/// tiny, so autovacuum starts on it while the rows are still arriving, and every post-data step that
/// then needs the table waits deadlock_timeout (1 s) before the server cancels the worker: seconds of
/// waiting and work thrown away. The restore turns autovacuum off per table after pre-data and back
/// on before the database is put in place, so it then vacuums and analyzes as usual. Tables whose
/// dump sets autovacuum_enabled itself, and tables the login may not alter, are left alone.
/// </summary>
internal static class AutovacuumPause
{
    private const string Candidates =
        "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
        "WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' " +
        "AND NOT coalesce(c.reloptions::text LIKE '%autovacuum\\_enabled=%', false) AND pg_catalog.pg_has_role(c.relowner, 'MEMBER')";

    /// <summary>Turns autovacuum off for the restored tables; returns their OIDs for <see cref="ResumeAsync"/>.</summary>
    public static async Task<IReadOnlyList<string>> PauseAsync(DockerClient docker, DatabaseTarget into, CancellationToken cancellationToken)
    {
        // The list first, then the same selection altered: nothing else runs in this database meanwhile.
        var script =
            $"SELECT c.oid {Candidates};\n" +
            $"SELECT format('ALTER TABLE %s SET (autovacuum_enabled = off)', c.oid::pg_catalog.regclass) {Candidates}\n\\gexec\n";
        var output = await into.QueryAsync(docker, script, cancellationToken, script: true).ConfigureAwait(false);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(oid => uint.TryParse(oid, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .ToArray();
    }

    public static async Task ResumeAsync(DockerClient docker, DatabaseTarget into, IReadOnlyList<string> oids, CancellationToken cancellationToken)
    {
        if (oids.Count == 0)
        {
            return;
        }

        var script =
            "SELECT format('ALTER TABLE %s RESET (autovacuum_enabled)', c.oid::pg_catalog.regclass) FROM pg_catalog.pg_class c " +
            $"WHERE c.oid IN ({string.Join(", ", oids)})\n\\gexec\n";
        await into.QueryAsync(docker, script, cancellationToken, script: true).ConfigureAwait(false);
    }
}
