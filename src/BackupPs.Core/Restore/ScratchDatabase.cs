using System.Globalization;
using System.Text.RegularExpressions;
using BackupPs.Core.Database;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Leftovers;

namespace BackupPs.Core.Restore;

/// <summary>
/// The databases BackupPs restores into before anything is renamed into place: backupps_side_* for
/// Restore-Database, backupps_drill_* for Test-Backup -Restore. The name carries its creation time
/// and its owner (<see cref="ResourceOwner"/>), so one left behind by a process that was stopped or
/// killed, or by a container that stopped, is recognised and dropped by the next restore or drill on
/// that server: at once when its owner is known not to run any more, else by the age rule.
/// </summary>
internal static partial class ScratchDatabase
{
    public const string Side = "side";
    public const string Drill = "drill";

    /// <summary>A scratch database this old with nobody connected belongs to no running restore.</summary>
    private static readonly TimeSpan StaleAge = TimeSpan.FromHours(1);

    /// <summary>"backupps_drill_20261130224700_1a2b_&lt;owner token&gt;": at most 60 bytes; held by the current run (<see cref="OperationRun"/>).</summary>
    public static string NewName(string purpose, DateTimeOffset now) =>
        OperationRun.Hold($"backupps_{purpose}_{now.UtcDateTime:yyyyMMddHHmmss}_{Guid.NewGuid().ToString("N")[..4]}_{ResourceOwner.Current.Token}");

    /// <summary>
    /// Creates an empty database from template0 with the backed-up database's encoding and collation
    /// (<paramref name="properties"/>; when the manifest has none, those of <paramref name="like"/>,
    /// else the server's defaults). With <paramref name="like"/> (the database it will replace) it is
    /// owned by that one's owner, otherwise by <paramref name="owner"/> (or the login user). Everything
    /// else about the database is applied after the load by <see cref="ConfigureAsync"/>.
    /// </summary>
    public static async Task CreateAsync(DockerClient docker, DatabaseTarget server, string name, DatabaseProperties? properties, string? like,
        string? owner, CancellationToken cancellationToken)
    {
        if (properties is null && like is not null)
        {
            properties = await DatabaseProperties.ReadAsync(docker, server, like, cancellationToken).ConfigureAwait(false);
        }

        var clauses = properties?.CreateClauses(server.ServerMajor, server.Container.Name) ?? "";
        if (like is null)
        {
            var ownerClause = owner is null ? "" : " OWNER " + SqlText.Identifier(owner);
            await server.QueryAsync(docker, $"CREATE DATABASE {SqlText.Identifier(name)} TEMPLATE template0{ownerClause} {clauses}", cancellationToken)
                .ConfigureAwait(false);
            return;
        }

        // psql's \gexec runs the generated statement on its own (CREATE DATABASE cannot run in a transaction).
        await server.QueryAsync(docker, $"""
            SELECT pg_catalog.format('CREATE DATABASE %I TEMPLATE template0 OWNER %I %s', {SqlText.Literal(name)}, pg_catalog.pg_get_userbyid(datdba), {SqlText.Literal(clauses)})
              FROM pg_catalog.pg_database WHERE datname = {SqlText.Literal(like)} \gexec
            """, cancellationToken, script: true).ConfigureAwait(false);
    }

    /// <summary>
    /// Gives a restored database, once its data is in and before it is checked and put in place, what
    /// belongs to the database itself, as pg_restore --create applies it after creating the database:
    /// <list type="bullet">
    /// <item>replacing <paramref name="like"/>: that database's connection limit, settings (ALTER
    /// DATABASE/ROLE ... SET), privileges and comment, as they are now;</item>
    /// <item>otherwise the settings recorded in the backup (<paramref name="recorded"/>); a setting of
    /// a role this server does not have is left out with a warning.</item>
    /// </list>
    /// Applied after the load so that none of them (a statement_timeout, default_transaction_read_only)
    /// can act on the restore itself. A setting the server refuses becomes a warning with the statement
    /// to run by hand: the data is complete and proven either way.
    /// </summary>
    /// <param name="shownAs">What warnings call the database: the one the user restores into, not the scratch name it has until it is put in place.</param>
    public static async Task ConfigureAsync(DockerClient docker, DatabaseTarget server, string name, string shownAs, string? like, DatabaseProperties? recorded,
        IOperationHost host, CancellationToken cancellationToken)
    {
        var n = SqlText.Literal(name);
        if (like is not null)
        {
            var l = SqlText.Literal(like);
            await server.QueryAsync(docker, $"""
                SELECT pg_catalog.format('ALTER DATABASE %I WITH CONNECTION LIMIT %s', {n}, datconnlimit) FROM pg_catalog.pg_database WHERE datname = {l} \gexec
                SELECT CASE WHEN s.setrole = 0 THEN pg_catalog.format('ALTER DATABASE %I', {n}) ELSE pg_catalog.format('ALTER ROLE %I IN DATABASE %I', pg_catalog.pg_get_userbyid(s.setrole), {n}) END
                       || pg_catalog.format(CASE WHEN pg_catalog.split_part(c, '=', 1) IN ('search_path', 'temp_tablespaces', 'session_preload_libraries', 'local_preload_libraries')
                                      THEN ' SET %I TO %s' ELSE ' SET %I TO %L' END,
                                 pg_catalog.split_part(c, '=', 1), pg_catalog.substr(c, pg_catalog.strpos(c, '=') + 1))
                  FROM pg_catalog.pg_db_role_setting s JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase, pg_catalog.unnest(s.setconfig) AS c
                 WHERE d.datname = {l} \gexec
                SELECT pg_catalog.format('REVOKE ALL ON DATABASE %I FROM PUBLIC', {n}) FROM pg_catalog.pg_database WHERE datname = {l} AND datacl IS NOT NULL \gexec
                SELECT pg_catalog.format('GRANT %s ON DATABASE %I TO %s%s', a.privilege_type, {n},
                              CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END,
                              CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
                  FROM pg_catalog.pg_database d, pg_catalog.aclexplode(d.datacl) a WHERE d.datname = {l} \gexec
                SELECT pg_catalog.format('COMMENT ON DATABASE %I IS %L', {n}, pg_catalog.shobj_description(oid, 'pg_database'))
                  FROM pg_catalog.pg_database WHERE datname = {l} AND pg_catalog.shobj_description(oid, 'pg_database') IS NOT NULL \gexec
                """, cancellationToken, script: true).ConfigureAwait(false);
            return;
        }

        if (recorded is null || recorded.Settings.Count == 0)
        {
            return;
        }

        var roles = recorded.Settings.Where(s => s.Role is not null).Select(s => s.Role!).Distinct().ToArray();
        var existingRoles = new HashSet<string>();
        if (roles.Length > 0)
        {
            // The answers are positions in the list, so no role name has to be read back.
            var values = string.Join(", ", roles.Select((r, i) => $"({i}, {SqlText.Literal(r)})"));
            var found = await server.QueryAsync(docker,
                $"SELECT v.i FROM (VALUES {values}) AS v(i, rolname) JOIN pg_catalog.pg_roles r ON r.rolname = v.rolname", cancellationToken).ConfigureAwait(false);
            existingRoles.UnionWith(found.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(i => roles[int.Parse(i, CultureInfo.InvariantCulture)]));
        }

        foreach (var setting in recorded.Settings)
        {
            // Warnings name the setting but not its value: a setting can hold a secret (current_setting('app.key')).
            var byHand = $"set it by hand (ALTER {(setting.Role is null ? "DATABASE" : "ROLE ... IN DATABASE")} ... SET {setting.Name}) with the value in the manifest's DatabaseProperties";
            if (setting.Role is not null && !existingRoles.Contains(setting.Role))
            {
                host.WriteWarning($"The backup's setting {setting.Name} for role {setting.Role} was not applied to {shownAs}: the role does not exist in {server.Container.Name}; create the role and {byHand}.");
                continue;
            }

            try
            {
                await server.QueryAsync(docker, setting.AlterStatement(name), cancellationToken).ConfigureAwait(false);
            }
            catch (BackupPsException e)
            {
                host.WriteWarning($"The backup's setting {setting.Name} could not be applied to {shownAs} ({e.Message}); {byHand}.");
            }
        }
    }

    /// <summary>
    /// Drops a database BackupPs created (or the copy a replace swapped out), whoever is still connected. Not cancellable (it runs on the
    /// way out of a cancelled restore); a failure becomes a warning with the SQL to finish it by hand.
    /// A cancelled CREATE DATABASE goes on in the server after its psql is gone, and would commit after
    /// a DROP ... IF EXISTS that found nothing: so every session still working on this name (its query
    /// names it; the names are unique) is ended first, and the drop waits (bounded) until they are gone.
    /// Bounded as a whole too: 2 minutes, or what is left of a stopped run's <see cref="OperationRun.CleanupBudget"/>.
    /// </summary>
    public static async Task<bool> DropAsync(DockerClient docker, DatabaseTarget server, string name, IOperationHost host)
    {
        using var timeout = OperationRun.CleanupTimeout(TimeSpan.FromMinutes(2));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // Terminating first works on every version; DROP then waits up to 5 s for those sessions
                // to end, which a busy or CPU-starved server can exceed: hence a few attempts.
                await server.QueryAsync(docker, DropStatements(SqlText.Literal(name), SqlText.Identifier(name)), timeout.Token, script: true).ConfigureAwait(false);
                return true;
            }
            catch (BackupPsException e) when (attempt < 3 && e.Message.Contains("is being accessed by other users", StringComparison.Ordinal))
            {
            }
            catch (Exception e) when (e is BackupPsException or OperationCanceledException)
            {
                // Only scratch names are dropped by later runs; anything else (a replaced copy) stays until dropped by hand.
                var later = NamePattern().IsMatch(name) ? "the next restore or drill there drops it, or run" : "it stays under that name, since no BackupPs run drops it; when it is no longer needed, run";
                host.WriteWarning($"Could not drop the database {name} in {server.Container.Name} ({e.Message}); {later} DROP DATABASE {SqlText.Identifier(name)};");
                OperationRun.NoteLeftBehind($"the database {name} in {server.Container.Name}");
                return false;
            }
        }
    }

    /// <summary>
    /// The statements that drop a database whoever uses it: end its sessions (and those whose query names it), wait for
    /// them to go, then DROP DATABASE IF EXISTS, which still fails ("being accessed by other users") when a session
    /// slipped in, hence the callers' retries. <paramref name="nameSql"/> is an SQL expression of the name (it also
    /// stands in a dollar-quoted block), <paramref name="identifier"/> the name as an identifier.
    /// Terminating first works on every version (DROP DATABASE ... WITH (FORCE) needs PostgreSQL 13). Client
    /// sessions only: DROP DATABASE ends the server's own workers there (autovacuum) itself, and a background
    /// worker killed by a signal it does not handle would make the server end every session.
    /// </summary>
    internal static string DropStatements(string nameSql, string identifier)
    {
        var sessions = $"(datname = {nameSql} OR pg_catalog.strpos(query, {nameSql}) > 0) AND backend_type = 'client backend' AND pid <> pg_catalog.pg_backend_pid()";
        return $"""
            SELECT count(pg_catalog.pg_terminate_backend(pid)) FROM pg_catalog.pg_stat_activity WHERE {sessions};
            DO $backupps$ BEGIN
              FOR i IN 1..300 LOOP
                PERFORM pg_catalog.pg_stat_clear_snapshot();
                EXIT WHEN NOT EXISTS (SELECT FROM pg_catalog.pg_stat_activity WHERE {sessions});
                PERFORM pg_catalog.pg_sleep(0.1);
              END LOOP;
            END $backupps$;
            DROP DATABASE IF EXISTS {identifier};
            """;
    }

    /// <summary>
    /// Drops scratch databases that no running restore or drill can own: at once those whose owner is
    /// known not to run or, in this process, held by no run (<see cref="ResourceOwner.Holds"/>); those of another host's owner, and
    /// those named by earlier versions (no owner), once nobody is connected and they are older than the
    /// server's start or than an hour.
    /// </summary>
    public static async Task RemoveStaleAsync(DockerClient docker, DatabaseTarget server, DateTimeOffset now, IOperationHost host,
        CancellationToken cancellationToken)
    {
        var rows = await server.QueryAsync(docker, """
            SELECT d.datname || '|' || extract(epoch FROM pg_catalog.pg_postmaster_start_time())::bigint
                   || '|' || EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a WHERE a.datname = d.datname)
              FROM pg_catalog.pg_database d
             WHERE d.datname ~ '^backupps_(side|drill)_[0-9]{14}_[0-9a-z_]+$'
            """, cancellationToken).ConfigureAwait(false);
        foreach (var row in rows.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = row.Split('|');
            if (IsLeftover(parts[0], DateTimeOffset.FromUnixTimeSeconds(long.Parse(parts[1], CultureInfo.InvariantCulture)), parts[2] == "t", now)
                && await DropAsync(docker, server, parts[0], host).ConfigureAwait(false))
            {
                host.WriteWarning($"Dropped {parts[0]} in {server.Container.Name}, left behind by a restore or drill that was interrupted.");
            }
        }
    }

    /// <summary>Whether scratch database <paramref name="name"/> belongs to no running restore or drill (see <see cref="RemoveStaleAsync"/>).</summary>
    internal static bool IsLeftover(string name, DateTimeOffset serverStarted, bool inUse, DateTimeOffset now)
    {
        var match = NamePattern().Match(name);
        if (!match.Success || !DateTime.TryParseExact(match.Groups[1].Value, "yyyyMMddHHmmss", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var stamp))
        {
            return false;
        }

        var running = ResourceOwner.Parse(match.Groups[2].Success ? match.Groups[2].Value : null)?.Holds(name);
        var created = new DateTimeOffset(stamp, TimeSpan.Zero);
        return running is false || (running is null && !inUse && (created < serverStarted || now - created > StaleAge));
    }

    /// <summary>The names this version makes (a 4-digit random part and the owner) and those of earlier versions (6 digits, no owner).</summary>
    [GeneratedRegex("^backupps_(?:side|drill)_([0-9]{14})_(?:[0-9a-f]{6}|[0-9a-f]{4}_(" + ResourceOwner.TokenPattern + "))$")]
    private static partial Regex NamePattern();
}
