using System.Globalization;
using System.Text.RegularExpressions;
using BackupPs.Core.Database;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;

namespace BackupPs.Core.Restore;

/// <summary>
/// The databases BackupPs restores into before anything is renamed into place: backupps_side_* for
/// Restore-Database, backupps_drill_* for Test-Backup -Restore. The name carries its creation time,
/// so one left behind by a process that was killed, or by a container that stopped, is recognised
/// and dropped by the next restore or drill on that server.
/// </summary>
internal static partial class ScratchDatabase
{
    public const string Side = "side";
    public const string Drill = "drill";

    /// <summary>A scratch database this old with nobody connected belongs to no running restore.</summary>
    private static readonly TimeSpan StaleAge = TimeSpan.FromHours(1);

    public static string NewName(string purpose, DateTimeOffset now) =>
        $"backupps_{purpose}_{now.UtcDateTime:yyyyMMddHHmmss}_{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>
    /// Creates an empty database from template0. With <paramref name="like"/> (the database it will
    /// replace) it takes that one's owner, encoding, locale, connection limit, settings, privileges
    /// and comment, which pg_dump does not carry without --create; otherwise <paramref name="owner"/>
    /// (or the login user) owns it.
    /// </summary>
    public static async Task CreateAsync(DockerClient docker, DatabaseTarget server, string name, string? like, string? owner,
        CancellationToken cancellationToken)
    {
        var quoted = SqlText.Identifier(name);
        if (like is null)
        {
            var ownerClause = owner is null ? "" : " OWNER " + SqlText.Identifier(owner);
            await server.QueryAsync(docker, $"CREATE DATABASE {quoted} TEMPLATE template0{ownerClause}", cancellationToken).ConfigureAwait(false);
            return;
        }

        var n = SqlText.Literal(name);
        var l = SqlText.Literal(like);
        // psql's \gexec runs each generated statement on its own (CREATE DATABASE cannot run in a transaction).
        var script = $"""
            SELECT format('CREATE DATABASE %I TEMPLATE template0 OWNER %I ENCODING %L LC_COLLATE %L LC_CTYPE %L CONNECTION LIMIT %s',
                {n}, pg_get_userbyid(datdba), pg_encoding_to_char(encoding), datcollate, datctype, datconnlimit)
              FROM pg_database WHERE datname = {l} \gexec
            SELECT CASE WHEN s.setrole = 0 THEN format('ALTER DATABASE %I', {n}) ELSE format('ALTER ROLE %I IN DATABASE %I', pg_get_userbyid(s.setrole), {n}) END
                   || format(CASE WHEN split_part(c, '=', 1) IN ('search_path', 'temp_tablespaces', 'session_preload_libraries', 'local_preload_libraries')
                                  THEN ' SET %I TO %s' ELSE ' SET %I TO %L' END,
                             split_part(c, '=', 1), substr(c, strpos(c, '=') + 1))
              FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase, unnest(s.setconfig) AS c
             WHERE d.datname = {l} \gexec
            SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', {n}) FROM pg_database WHERE datname = {l} AND datacl IS NOT NULL \gexec
            SELECT format('GRANT %s ON DATABASE %I TO %s%s', a.privilege_type, {n},
                          CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END,
                          CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
              FROM pg_database d, aclexplode(d.datacl) a WHERE d.datname = {l} \gexec
            SELECT format('COMMENT ON DATABASE %I IS %L', {n}, shobj_description(oid, 'pg_database'))
              FROM pg_database WHERE datname = {l} AND shobj_description(oid, 'pg_database') IS NOT NULL \gexec
            """;
        await server.QueryAsync(docker, script, cancellationToken, script: true).ConfigureAwait(false);
    }

    /// <summary>
    /// Drops a database BackupPs created, whoever is still connected. Not cancellable (it runs on the
    /// way out of a cancelled restore); a failure becomes a warning with the SQL to finish it by hand.
    /// </summary>
    public static async Task<bool> DropAsync(DockerClient docker, DatabaseTarget server, string name, IOperationHost host)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // Terminating first works on every version; DROP then waits up to 5 s for those sessions
                // to end, which a busy or CPU-starved server can exceed: hence a few attempts.
                await server.QueryAsync(docker, $"""
                    SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = {SqlText.Literal(name)} AND pid <> pg_backend_pid();
                    DROP DATABASE IF EXISTS {SqlText.Identifier(name)};
                    """, timeout.Token, script: true).ConfigureAwait(false);
                return true;
            }
            catch (BackupPsException e) when (attempt < 3 && e.Message.Contains("is being accessed by other users", StringComparison.Ordinal))
            {
            }
            catch (Exception e) when (e is BackupPsException or OperationCanceledException)
            {
                host.WriteWarning($"Could not drop the database {name} in {server.Container.Name} ({e.Message}); the next restore or drill there drops it, or run DROP DATABASE {SqlText.Identifier(name)};");
                return false;
            }
        }
    }

    /// <summary>Drops scratch databases that no running restore can own: nobody connected, and older than the server's start or than an hour.</summary>
    public static async Task RemoveStaleAsync(DockerClient docker, DatabaseTarget server, DateTimeOffset now, IOperationHost host,
        CancellationToken cancellationToken)
    {
        var rows = await server.QueryAsync(docker, """
            SELECT d.datname || '|' || extract(epoch FROM pg_postmaster_start_time())::bigint
              FROM pg_database d
             WHERE d.datname ~ '^backupps_(side|drill)_[0-9]{14}_[0-9a-f]{6}$'
               AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)
            """, cancellationToken).ConfigureAwait(false);
        foreach (var row in rows.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = row.Split('|');
            var created = CreatedAt(parts[0]);
            var serverStarted = DateTimeOffset.FromUnixTimeSeconds(long.Parse(parts[1], CultureInfo.InvariantCulture));
            if (created is { } c && (c < serverStarted || now - c > StaleAge)
                && await DropAsync(docker, server, parts[0], host).ConfigureAwait(false))
            {
                host.WriteWarning($"Dropped {parts[0]} in {server.Container.Name}, left behind by a restore or drill that was interrupted.");
            }
        }
    }

    internal static DateTimeOffset? CreatedAt(string name)
    {
        var match = NamePattern().Match(name);
        return match.Success && DateTime.TryParseExact(match.Groups[1].Value, "yyyyMMddHHmmss", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var stamp)
            ? new DateTimeOffset(stamp, TimeSpan.Zero)
            : null;
    }

    [GeneratedRegex("^backupps_(?:side|drill)_([0-9]{14})_[0-9a-f]{6}$")]
    private static partial Regex NamePattern();
}
