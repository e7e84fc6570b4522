using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using BackupPs.Core.Database;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;

namespace BackupPs.Core.Restore;

/// <summary>
/// The swap of Restore-Database -Replace: the original's sessions are ended and both databases are
/// renamed in ONE transaction, so every way out leaves the name on a database that accepts
/// connections, old or new, never neither: a failure, a lock timeout or a killed client rolls the
/// whole swap back, and nothing committed ever has to be undone (no ALLOW_CONNECTIONS false).
/// </summary>
/// <remarks>
/// <para>New connections cannot slip in between: ALTER DATABASE RENAME takes an AccessExclusive lock
/// on the database, and a connecting session waits for it (InitPostgres locks the database it
/// connects to) and afterwards finds the name on the restored database. A session that connected
/// between the termination and the rename makes the rename fail ("being accessed by other users"),
/// and the attempt is repeated.</para>
/// <para>Bounded: each attempt waits at most <see cref="LockTimeout"/> for a lock (another session's
/// open transaction on the database object, e.g. after COMMENT ON DATABASE) and PostgreSQL's 5 s for
/// ended sessions to go; after <see cref="Attempts"/> attempts it fails and the sessions in the way
/// are named. It runs as one statement in a psql script sent whole, so it completes or rolls back on
/// its own in the container even if this process dies, and it is never cancelled half-way; the drop of
/// the replaced copy follows in the same script, so a kill does not leave that copy behind either.</para>
/// <para>Protected: the transaction first proves that the restore's operation lock is still held (its
/// session may have been terminated by hand or by a server restart, and then another restore may be
/// under way), and changes nothing otherwise. Truthful: whatever the script reported, or if its
/// connection was lost, what happened is read back by OID (the original's and the side database's,
/// recorded before), so a swap that committed is never reported as failed, nor the reverse.</para>
/// </remarks>
internal static class DatabaseSwap
{
    /// <summary>How long one attempt waits for a lock on the original or the side database.</summary>
    internal const string LockTimeout = "3s";

    /// <summary>Attempts (1 s apart) before the swap gives up and names the sessions in the way.</summary>
    internal const int Attempts = 4;

    /// <summary>Replaces of one database in one second beyond this many find no name for the replaced copy and fail.</summary>
    internal const int MaxPreviousClaims = 20;

    /// <summary>The SQLSTATE the swap raises when the operation lock is no longer held (a class no server uses).</summary>
    private const string LockLostState = "BPLCK";

    /// <summary>Attempts at dropping the replaced copy (a session may connect between the termination and the drop).</summary>
    private const int DropAttempts = 3;

    /// <summary>The script's last line when the swap committed (and the replaced copy was dropped or kept as asked).</summary>
    private const string Swapped = "backupps-swapped";

    /// <summary>The start of the script's last line when the swap committed but the replaced copy could not be dropped.</summary>
    private const string NotDropped = "backupps-not-dropped";

    /// <summary>
    /// The swap itself. Its input comes as a JSON setting, so no name ever has to be quoted inside the
    /// dollar-quoted body. The original gets the first free candidate name (a replace of the same
    /// second, or of another long database name cut to the same prefix, may have kept the plain one).
    /// </summary>
    private static string SwapBlock(string lockHeld) => $$"""
        DO $backupps_swap$
        DECLARE
            args pg_catalog.json := pg_catalog.current_setting('backupps.swap')::pg_catalog.json;
            target text := args->>'database';
            side text := args->>'side';
            previous text;
            attempt int := 1;
            backend record;
        BEGIN
            IF NOT {{lockHeld}} THEN
                RAISE EXCEPTION USING ERRCODE = '{{LockLostState}}', MESSAGE = 'the operation lock of this restore is no longer held';
            END IF;
            PERFORM pg_catalog.set_config('lock_timeout', args->>'lockTimeout', true);
            LOOP
                BEGIN
                    -- pg_stat_activity is read once per transaction unless the snapshot is cleared.
                    PERFORM pg_catalog.pg_stat_clear_snapshot();
                    -- Client sessions only: the server ends its own workers in the way itself (autovacuum), and a
                    -- background worker (an extension's) killed by a signal it does not handle would crash the server.
                    FOR backend IN SELECT a.pid FROM pg_catalog.pg_stat_activity a
                                    WHERE a.datname = target AND a.backend_type = 'client backend' AND a.pid <> pg_catalog.pg_backend_pid() LOOP
                        BEGIN
                            PERFORM pg_catalog.pg_terminate_backend(backend.pid);
                        EXCEPTION WHEN insufficient_privilege THEN
                            NULL; -- the rename then fails, and the session is named
                        END;
                    END LOOP;
                    SELECT c.name INTO previous
                      FROM pg_catalog.json_array_elements_text(args->'previous') WITH ORDINALITY AS c(name, claim)
                     WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_database d WHERE d.datname = c.name)
                     ORDER BY c.claim LIMIT 1;
                    IF previous IS NULL THEN
                        RAISE EXCEPTION 'every name for the replaced copy (% and % more) is taken', args->'previous'->>0, pg_catalog.json_array_length(args->'previous') - 1;
                    END IF;
                    EXECUTE pg_catalog.format('ALTER DATABASE %I RENAME TO %I', target, previous);
                    EXECUTE pg_catalog.format('ALTER DATABASE %I RENAME TO %I', side, target);
                    -- For the drop after the commit (a session setting survives the commit, not a rollback).
                    PERFORM pg_catalog.set_config('backupps.previous', previous, false);
                    RETURN;
                -- unique_violation: a concurrent rename (another database's replace, cut to the same prefix) took the
                -- chosen name after it was found free; the next attempt takes the next free one.
                EXCEPTION WHEN lock_not_available OR object_in_use OR duplicate_database OR unique_violation THEN
                    IF attempt >= (args->>'attempts')::int THEN
                        RAISE;
                    END IF;
                END;
                attempt := attempt + 1;
                PERFORM pg_catalog.pg_sleep(1);
            END LOOP;
        END
        $backupps_swap$;
        """;

    private static readonly JsonSerializerOptions ArgumentJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Swaps <paramref name="side"/> into the place of <paramref name="database"/> if <paramref name="operationLock"/> is
    /// still held, then drops the replaced copy unless <paramref name="keepPrevious"/>. The outcome is read back by OID.
    /// Deliberately not cancellable: Ctrl+C waits for it (it is bounded), so the side database is never dropped under
    /// a swap that is still running.
    /// </summary>
    public static async Task<SwapOutcome> SwapAsync(DockerClient docker, DatabaseTarget server, string database, string side,
        IReadOnlyList<string> previousNames, DatabaseOperationLock operationLock, bool keepPrevious, IOperationHost host)
    {
        var (db, sd) = (SqlText.Literal(database), SqlText.Literal(side));
        string oids;
        try
        {
            oids = (await server.QueryAsync(docker, $"SELECT (SELECT oid FROM pg_catalog.pg_database WHERE datname = {db}) || '|' || (SELECT oid FROM pg_catalog.pg_database WHERE datname = {sd})",
                CancellationToken.None).ConfigureAwait(false)).Trim();
        }
        catch (BackupPsException e)
        {
            return new SwapOutcome(false, null, $"the databases could not be read before the swap ({e.Message})", false);
        }

        if (oids.Split('|') is not [{ Length: > 0 }, { Length: > 0 }])
        {
            return new SwapOutcome(false, null, $"{database} or {side} no longer exists", false);
        }

        var args = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["database"] = database, ["side"] = side, ["previous"] = previousNames, ["attempts"] = Attempts, ["lockTimeout"] = LockTimeout,
        }, ArgumentJson);
        // The drop is sent with the swap, so it happens even if this process dies (dockerd keeps reading a detached exec's
        // output); its statements run only after the swap committed, each attempt after the previous one failed.
        var drop = $"\\echo {Swapped}";
        for (var attempt = 0; attempt < DropAttempts && !keepPrevious; attempt++)
        {
            drop = $"""
                {ScratchDatabase.DropStatements("pg_catalog.current_setting('backupps.previous')", ":\"backupps_previous\"")}
                \if :ERROR
                {(attempt == 0 ? $"\\echo {NotDropped} :LAST_ERROR_MESSAGE" : drop)}
                \else
                \echo {Swapped}
                \endif
                """;
        }

        // Only the swap may fail without stopping the script, and it is one statement, so its error is the real one
        // (never "current transaction is aborted"); SQLSTATE tells a lock wait from other failures in any server language.
        var script = $"""
            SELECT pg_catalog.set_config('backupps.swap', {SqlText.Literal(args)}, false) AS backupps_args \gset
            \set ON_ERROR_STOP 0
            {SwapBlock(operationLock.HeldCondition("target"))}
            \if :ERROR
            \echo failed :LAST_ERROR_SQLSTATE :LAST_ERROR_MESSAGE
            \else
            SELECT pg_catalog.current_setting('backupps.previous') AS backupps_previous \gset
            {drop}
            \endif
            """;
        string report;
        try
        {
            var output = (await server.QueryAsync(docker, script, CancellationToken.None, script: true).ConfigureAwait(false)).Trim();
            report = output.Split('\n')[^1];
        }
        catch (BackupPsException e)
        {
            // The connection was lost (a terminated session, a server restart), before or after the commit: the OIDs tell.
            report = "failed - " + e.Message;
        }

        var (swapped, previous, checkFailure) = await ReadBackAsync(docker, server, database, oids).ConfigureAwait(false);
        if (checkFailure is not null)
        {
            return new SwapOutcome(false, null, $"the swap's outcome could not be read back ({checkFailure}; the swap reported: {report}): {database} is "
                + $"either the restored data (OID {oids.Split('|')[1]}) or still the original (OID {oids.Split('|')[0]}), never neither; check which before running anything", false);
        }

        if (swapped)
        {
            if (!keepPrevious && previous is not null && !report.StartsWith(NotDropped, StringComparison.Ordinal))
            {
                // The swap committed but its script did not get to the drop (its connection was lost).
                previous = await ScratchDatabase.DropAsync(docker, server, previous, host).ConfigureAwait(false) ? null : previous;
            }
            else if (report.StartsWith(NotDropped, StringComparison.Ordinal))
            {
                host.WriteWarning($"The replaced copy {previous} could not be dropped ({report[NotDropped.Length..].Trim()}); it holds the old data. Drop it when it is no longer needed: DROP DATABASE {SqlText.Identifier(previous ?? "")};");
            }

            return new SwapOutcome(true, previous, null, false);
        }

        var why = report.StartsWith("failed ", StringComparison.Ordinal) ? report["failed ".Length..] : report;
        var sqlState = why.Split(' ', 2)[0];
        var message = why.Length > sqlState.Length ? why[(sqlState.Length + 1)..] : why;
        if (sqlState == LockLostState)
        {
            return new SwapOutcome(false, null, message, true);
        }

        var inTheWay = await DescribeSessionsInTheWayAsync(docker, server, database).ConfigureAwait(false);
        var bounded = sqlState is "55P03" or "55006"
            ? $" after {Attempts.ToString(CultureInfo.InvariantCulture)} attempts of up to {LockTimeout} each"
            : "";
        return new SwapOutcome(false, null, $"the names could not be swapped{bounded} ({message}){inTheWay}", false);
    }

    /// <summary>
    /// Whether <paramref name="database"/> is now the side database, by the OIDs "original|side" recorded before the
    /// swap, and the name the original has now (null when dropped); a few tries while the server restarts.
    /// </summary>
    private static async Task<(bool Swapped, string? Previous, string? Failure)> ReadBackAsync(DockerClient docker, DatabaseTarget server, string database,
        string oids)
    {
        var (original, side) = (oids.Split('|')[0], oids.Split('|')[1]);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var row = (await server.QueryAsync(docker, $"""
                    SELECT coalesce((SELECT oid FROM pg_catalog.pg_database WHERE datname = {SqlText.Literal(database)}) = {side}, false)
                           || '|' || coalesce((SELECT datname FROM pg_catalog.pg_database WHERE oid = {original}), '')
                    """, CancellationToken.None).ConfigureAwait(false)).Trim().Split('|', 2);
                return (row[0] == "true", row[1].Length > 0 ? row[1] : null, null);
            }
            catch (BackupPsException) when (attempt < 10)
            {
                await Task.Delay(TimeSpan.FromSeconds(3)).ConfigureAwait(false);
            }
            catch (BackupPsException e)
            {
                return (false, null, e.Message);
            }
        }
    }

    /// <summary>
    /// " Sessions in the way: ...; end them ..." for the sessions connected to <paramref name="database"/>
    /// or holding a lock on it, and its prepared transactions; "" when there are none. States and
    /// applications only, never query texts (they can carry secrets).
    /// </summary>
    private static async Task<string> DescribeSessionsInTheWayAsync(DockerClient docker, DatabaseTarget server, string database)
    {
        var db = SqlText.Literal(database);
        const string Since = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";
        string json;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            json = await server.QueryAsync(docker, $"""
                SELECT pg_catalog.json_build_object(
                  'sessions', (SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_object('pid', a.pid, 'user', a.usename, 'application', a.application_name,
                                   'state', a.state, 'since', pg_catalog.to_char(coalesce(a.xact_start, a.backend_start) AT TIME ZONE 'UTC', {Since}), 'database', a.datname)
                                   ORDER BY a.pid), '[]')
                                 FROM pg_catalog.pg_stat_activity a
                                WHERE a.pid <> pg_catalog.pg_backend_pid() AND a.backend_type = 'client backend'
                                  AND (a.datname = {db} OR a.pid IN (SELECT l.pid FROM pg_catalog.pg_locks l
                                        WHERE l.locktype = 'object' AND l.granted AND l.classid = 'pg_catalog.pg_database'::pg_catalog.regclass
                                          AND l.objid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = {db})))),
                  'prepared', (SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_object('gid', p.gid, 'owner', p.owner,
                                   'since', pg_catalog.to_char(p.prepared AT TIME ZONE 'UTC', {Since}))), '[]')
                                 FROM pg_catalog.pg_prepared_xacts p WHERE p.database = {db}))
                """, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Errors.BackupPsException or OperationCanceledException)
        {
            return "";
        }

        using var found = JsonDocument.Parse(json.Trim());
        var pids = found.RootElement.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("pid").GetInt32().ToString(CultureInfo.InvariantCulture)).ToArray();
        var sessions = found.RootElement.GetProperty("sessions").EnumerateArray().Select(s =>
            $"process {s.GetProperty("pid").GetInt32().ToString(CultureInfo.InvariantCulture)} (user {s.GetProperty("user").GetString()}, "
            + $"application '{s.GetProperty("application").GetString()}', {s.GetProperty("state").GetString()} since {s.GetProperty("since").GetString()}, "
            + $"connected to {s.GetProperty("database").GetString()})").ToArray();
        var prepared = found.RootElement.GetProperty("prepared").EnumerateArray().Select(p =>
            $"prepared transaction {SqlText.Literal(p.GetProperty("gid").GetString()!)} (owner {p.GetProperty("owner").GetString()}, since {p.GetProperty("since").GetString()})").ToArray();
        var text = "";
        if (sessions.Length > 0)
        {
            text += $". Sessions in the way: {string.Join(", ", sessions)}; let them finish, or end them in {server.Container.Name} "
                + $"as a superuser or their owner ({string.Join(" ", pids.Select(p => $"SELECT pg_terminate_backend({p});"))}), then run the restore again";
        }

        if (prepared.Length > 0)
        {
            text += $". Prepared transactions of {database} hold it: {string.Join(", ", prepared)}; finish each with COMMIT PREPARED or ROLLBACK PREPARED '<gid>', then run the restore again";
        }

        return text;
    }
}

/// <summary>What became of a swap, read back by OID.</summary>
/// <param name="Swapped">The database's name is on the restored database now.</param>
/// <param name="Previous">The name the original got, when it still exists (kept, or its drop failed); null once dropped.</param>
/// <param name="Failure">Why the swap did not happen; null when it did.</param>
/// <param name="LockLost">The swap refused because the restore's operation lock was no longer held.</param>
internal sealed record SwapOutcome(bool Swapped, string? Previous, string? Failure, bool LockLost);
