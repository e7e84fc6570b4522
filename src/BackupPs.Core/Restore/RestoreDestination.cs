using System.Text.Json;
using BackupPs.Core.Database;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Restore;

/// <summary>
/// Which database a restore may go into, checked under the operation lock and before any work (the
/// safety backup included): a new restore needs a free name, a replace an existing database that can
/// be swapped out. What cannot be swapped is refused with the way round it, instead of failing after
/// a full safety backup and restore.
/// </summary>
internal static class RestoreDestination
{
    /// <summary>Databases CREATE DATABASE copies from: replacing them changes every database created later, or cannot work (template0 takes no connections).</summary>
    private static readonly string[] SystemTemplates = ["template0", "template1"];

    public static async Task CheckAsync(DockerClient docker, RestoreTarget target, string database, bool replace, CancellationToken cancellationToken)
    {
        var description = $"database {database} in container {target.Container.Name}";
        if (database.StartsWith($"backupps_{ScratchDatabase.Side}_", StringComparison.Ordinal)
            || database.StartsWith($"backupps_{ScratchDatabase.Drill}_", StringComparison.Ordinal))
        {
            throw new BackupPsException("ReservedDatabaseName", FailureCategory.InvalidArgument,
                $"The name {database} is one BackupPs uses for its own scratch databases (backupps_side_*, backupps_drill_*), which later runs drop; restore into another -Database.")
            { Target = database };
        }

        // "t|t": datistemplate, datallowconn; nothing when the database does not exist.
        var row = (await target.Server.QueryAsync(docker,
            $"SELECT datistemplate::text || '|' || datallowconn::text FROM pg_catalog.pg_database WHERE datname = {SqlText.Literal(database)}", cancellationToken)
            .ConfigureAwait(false)).Trim().Split('|');
        var exists = row.Length == 2;
        if (replace && !exists)
        {
            throw new BackupPsException("DatabaseNotFound", FailureCategory.ObjectNotFound,
                $"-Replace needs an existing database, and {description} does not exist; leave out -Replace to restore into a new database.")
            { Target = database };
        }

        if (!replace && exists)
        {
            throw new BackupPsException("DatabaseExists", FailureCategory.ResourceExists,
                $"The {description} already exists; add -Replace to replace it (it is backed up first and only dropped after the restore is proven), or pass another -Database.")
            { Target = database };
        }

        if (!replace)
        {
            return;
        }

        var instead = $"restore into a new database instead (-Database {database}_restored) and point the applications at it";
        if (database == target.Server.Database)
        {
            throw new BackupPsException("MaintenanceDatabaseReplace", FailureCategory.InvalidOperation,
                $"The {description} cannot be replaced: it is the maintenance database BackupPs connects through to create, rename and drop databases, and a database cannot be renamed while connected to; {instead}. Nothing was done.")
            { Target = database };
        }

        if (row[0] == "true" || SystemTemplates.Contains(database))
        {
            throw new BackupPsException("TemplateDatabaseReplace", FailureCategory.InvalidOperation,
                $"The {description} cannot be replaced: it is a template database (CREATE DATABASE copies it), and a swap would neither carry that role over nor let the replaced copy be dropped; {instead}"
                + (SystemTemplates.Contains(database) ? "" : $", or, if it should no longer be a template, run ALTER DATABASE {SqlText.Identifier(database)} IS_TEMPLATE false first")
                + ". Nothing was done.")
            { Target = database };
        }

        if (row[1] != "true")
        {
            throw new BackupPsException("DatabaseNotAcceptingConnections", FailureCategory.InvalidOperation,
                $"The {description} does not accept connections (ALLOW_CONNECTIONS false), so it can be neither backed up before the replace nor checked; if it should accept them, run ALTER DATABASE {SqlText.Identifier(database)} ALLOW_CONNECTIONS true, then replace it. Nothing was done.")
            { Target = database };
        }

        await RefuseWhatBelongsToTheDatabaseAsync(docker, target, database, description, instead, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// What belongs to the database's OID rather than to its name and data, and so cannot survive a swap: its logical
    /// replication slots (dropped with the replaced copy, and the consumers' positions with them), its subscriptions
    /// (they keep the replaced copy from being dropped and go on replicating into it) and its prepared transactions (they
    /// hold the database, so the rename cannot succeed while they exist). Refused before any work, with the way round.
    /// </summary>
    private static async Task RefuseWhatBelongsToTheDatabaseAsync(DockerClient docker, RestoreTarget target, string database, string description,
        string instead, CancellationToken cancellationToken)
    {
        var db = SqlText.Literal(database);
        var json = await target.Server.QueryAsync(docker, $"""
            SELECT pg_catalog.json_build_object(
              'slots', (SELECT coalesce(pg_catalog.json_agg(s.slot_name::text ORDER BY s.slot_name), '[]') FROM pg_catalog.pg_replication_slots s WHERE s.database = {db}),
              'subscriptions', (SELECT coalesce(pg_catalog.json_agg(s.subname::text ORDER BY s.subname), '[]') FROM pg_catalog.pg_subscription s
                                 WHERE s.subdbid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = {db})),
              'prepared', (SELECT coalesce(pg_catalog.json_agg(p.gid ORDER BY p.gid), '[]') FROM pg_catalog.pg_prepared_xacts p WHERE p.database = {db}))
            """, cancellationToken).ConfigureAwait(false);
        using var found = JsonDocument.Parse(json.Trim());
        string[] Names(string kind) => found.RootElement.GetProperty(kind).EnumerateArray().Select(n => n.GetString()!).ToArray();

        if (Names("slots") is { Length: > 0 } slots)
        {
            throw new BackupPsException("ReplicationSlotReplace", FailureCategory.InvalidOperation,
                $"The {description} cannot be replaced: it has logical replication slots ({string.Join(", ", slots.Select(SqlText.Literal))}), which belong to the database itself "
                + "and would be dropped with the replaced copy, losing their consumers' positions. Stop their consumers and drop the slots "
                + $"({string.Join(" ", slots.Select(n => $"SELECT pg_drop_replication_slot({SqlText.Literal(n)});"))}), replace, then create them again; or {instead}. Nothing was done.")
            { Target = database };
        }

        if (Names("subscriptions") is { Length: > 0 } subscriptions)
        {
            throw new BackupPsException("SubscriptionReplace", FailureCategory.InvalidOperation,
                $"The {description} cannot be replaced: it has subscriptions ({string.Join(", ", subscriptions.Select(SqlText.Literal))}), which belong to the database itself: "
                + "they would go on replicating into the replaced copy and keep it from being dropped. Drop them in the database first "
                + $"({string.Join(" ", subscriptions.Select(n => $"DROP SUBSCRIPTION {SqlText.Identifier(n)};"))} after ALTER SUBSCRIPTION ... DISABLE and SET (slot_name = NONE) "
                + $"if the publisher's slot is to be kept), replace, then create them again; or {instead}. Nothing was done.")
            { Target = database };
        }

        if (Names("prepared") is { Length: > 0 } prepared)
        {
            throw new BackupPsException("PreparedTransactionReplace", FailureCategory.InvalidOperation,
                $"The {description} cannot be replaced now: prepared transactions hold it ({string.Join(", ", prepared.Select(SqlText.Literal))}), and it cannot be renamed while they exist. "
                + "Finish each with COMMIT PREPARED '<gid>' or ROLLBACK PREPARED '<gid>' in that database, then replace it. Nothing was done.")
            { Target = database };
        }
    }
}
