using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using BackupPs.Core.Compression;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using BackupPs.Core.Storage;

namespace BackupPs.Core.Database;

/// <summary>
/// Keeps two BackupPs operations that change the same database (a restore into it, a replace of it)
/// from interleaving: the second is refused at once with <c>DatabaseBusy</c>, naming the holder.
/// </summary>
/// <remarks>
/// <para>The lock is a PostgreSQL session-level advisory lock (key: <see cref="LockClass"/> and the
/// database name's hashtext) held by a psql session that runs in the container for as long as the
/// operation runs. Its stdin stays open; closing it ends psql, and the session's end releases the lock.
/// An idle psql does not notice its session being terminated (pg_terminate_backend, a server restart), so
/// the lock is proven where it matters: the swap checks, in its own transaction, that this session
/// (<see cref="HeldCondition"/>: its server process id and start) still holds the lock.
/// Nothing outlives its owner: when BackupPs dies (kill -9 included) its connection to dockerd closes,
/// dockerd closes the exec's stdin, psql ends, and the lock goes with its session. The session sets
/// application_name to the owner ("backupps restore-database pid 123 on host"), so a refusal can say who
/// holds the lock and since when. Advisory locks belong to one database, so every operation takes it
/// through the server's maintenance database, as the restore connects. Where that is template1 (no postgres
/// database), the session in it makes other clients' CREATE DATABASE from template1 fail until the run ends:
/// accepted and documented (README), since the lock cannot live in the database it protects (the swap renames it).</para>
/// <para>Refusing rather than waiting: two operations on one database at once are almost always a
/// mistake (a scheduler and a person, two shells), and a second replace that waited would replace what
/// the first had just put in place; the operator decides what should run.</para>
/// </remarks>
internal sealed class DatabaseOperationLock : IAsyncDisposable
{
    /// <summary>The first advisory-lock key of every BackupPs operation lock ("BPPS"); the second is hashtext(database name).</summary>
    public const int LockClass = 0x42505053;

    private const string Locked = "backupps-locked";
    private const string Busy = "backupps-busy";

    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task<ExecResult> _session;
    private readonly CancellationTokenSource _abandon;

    /// <summary>The lock session's server process id and its start in microseconds since 1970, once the lock is held.</summary>
    private (int Pid, long StartMicros) _holder;

    private DatabaseOperationLock(Func<DatabaseOperationLock, Task<ExecResult>> start, CancellationTokenSource abandon)
    {
        _abandon = abandon;
        _session = start(this);
    }

    /// <summary>
    /// Takes the lock on <paramref name="database"/> for <paramref name="operation"/>, or throws
    /// DatabaseBusy naming who holds it. <paramref name="server"/> is the maintenance database the
    /// operation works through.
    /// </summary>
    public static async Task<DatabaseOperationLock> AcquireAsync(DockerClient docker, DatabaseTarget server, string database, string operation,
        CancellationToken cancellationToken)
    {
        var owner = $"backupps {operation} pid {Environment.ProcessId.ToString(CultureInfo.InvariantCulture)} on {Environment.MachineName}";
        var key = $"{LockClass.ToString(CultureInfo.InvariantCulture)}, pg_catalog.hashtext({SqlText.Literal(database)})";
        // Locked: this session's process id and start, which tell it apart from any later session (see HeldCondition).
        // Busy: the holder's session, found through pg_locks (the two-key form keeps the keys in classid/objid, objsubid 2).
        var script = $"""
            SET application_name = {SqlText.Literal(owner)};
            SELECT pg_catalog.pg_try_advisory_lock({key}) AS backupps_locked \gset
            \if :backupps_locked
            SELECT '{Locked} ' || a.pid || ' ' || {StartMicros("a")} FROM pg_catalog.pg_stat_activity a WHERE a.pid = pg_catalog.pg_backend_pid();
            \else
            \echo {Busy}
            SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_object('pid', a.pid, 'application', a.application_name, 'user', a.usename,
                       'since', pg_catalog.to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))), '[]')
              FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
             WHERE {LockRow("l", SqlText.Literal(database))};
            \q
            \endif

            """;
        var stdout = new FirstLine();
        var abandon = new CancellationTokenSource();
        var request = server.Exec("psql", "-X", "-w", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1");
        // Not the operation's token: Ctrl+C must not release the lock while the operation still cleans up.
        var held = new DatabaseOperationLock(self => RunAsync(docker, server.Container.Id, request,
            new PrefixedReadStream(Encoding.UTF8.GetBytes(script), new HeldOpen(self._release.Task), leaveOpen: false), stdout, abandon.Token), abandon);
        try
        {
            var answer = await stdout.Line.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (answer?.Split(' ') is [Locked, var pid, var start])
            {
                held._holder = (int.Parse(pid, CultureInfo.InvariantCulture), long.Parse(start, CultureInfo.InvariantCulture));
                return held;
            }

            var result = await held._session.ConfigureAwait(false);
            if (answer == Busy)
            {
                throw BusyError(database, server, stdout.Text);
            }

            throw new BackupPsException("DatabaseUnavailable", FailureCategory.ResourceUnavailable,
                $"Could not take BackupPs's operation lock on database {database} in {server.Container.Name}: psql ended with exit code {result.ExitCode} ({DatabaseTarget.FirstLine(result.Stderr).TrimEnd('.')}). Check that the server is up, then retry.")
            { Target = database };
        }
        catch
        {
            await held.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// An SQL condition, true while this lock's own session still holds it, for a statement run in the maintenance
    /// database the lock was taken in; <paramref name="databaseSql"/> is an SQL expression of the locked database's name.
    /// Only digits, identifiers and quotes: it may stand inside a dollar-quoted block.
    /// </summary>
    public string HeldCondition(string databaseSql) => $"""
        EXISTS (SELECT 1 FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
                 WHERE {LockRow("l", databaseSql)} AND l.pid = {_holder.Pid.ToString(CultureInfo.InvariantCulture)}
                   AND {StartMicros("a")} = {_holder.StartMicros.ToString(CultureInfo.InvariantCulture)})
        """;

    /// <summary>
    /// Throws DatabaseLockLost when the lock's session has ended or no longer holds the lock (terminated by hand, a
    /// server restart): the operation is no longer protected. A cheap early check; the swap proves it again atomically.
    /// </summary>
    public async Task EnsureHeldAsync(DockerClient docker, DatabaseTarget server, string database, CancellationToken cancellationToken)
    {
        if (_session.IsCompleted
            || (await server.QueryAsync(docker, $"SELECT {HeldCondition(SqlText.Literal(database))}", cancellationToken).ConfigureAwait(false)).Trim() != "t")
        {
            throw LostError(database);
        }
    }

    /// <summary>The error of an operation whose lock was lost before it changed <paramref name="database"/>.</summary>
    public static BackupPsException LostError(string database) =>
        new("DatabaseLockLost", FailureCategory.InvalidOperation,
            $"BackupPs's operation lock on database {database} was lost (its session in the maintenance database ended: terminated by hand "
            + $"or by a server restart), so another operation may have started on {database}; nothing was changed: {database} was left as it was. Run the restore again.")
        { Target = database };

    /// <summary>The pg_locks row (alias <paramref name="alias"/>) of a granted BackupPs lock on the database <paramref name="databaseSql"/> names.</summary>
    /// <remarks>The two-key form keeps the keys in classid and objid, with objsubid 2; the lock belongs to the current (maintenance) database.</remarks>
    private static string LockRow(string alias, string databaseSql) => $"""
        {alias}.locktype = 'advisory' AND {alias}.granted AND {alias}.objsubid = 2
                   AND {alias}.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())
                   AND {alias}.classid = {LockClass.ToString(CultureInfo.InvariantCulture)}
                   AND {alias}.objid = (pg_catalog.hashtext({databaseSql})::bigint & 4294967295)::oid
        """;

    /// <summary>A session's start (pg_stat_activity alias <paramref name="alias"/>) in whole microseconds since 1970, in exact integer arithmetic.</summary>
    private static string StartMicros(string alias) =>
        $"(pg_catalog.date_part('epoch', pg_catalog.date_trunc('second', {alias}.backend_start))::bigint * 1000000 + pg_catalog.date_part('microseconds', {alias}.backend_start)::bigint % 1000000)";

    /// <summary>Ends the lock's psql session (EOF on its stdin), which releases the lock; waits briefly for it.</summary>
    public async ValueTask DisposeAsync()
    {
        _release.TrySetResult();
        if (await Task.WhenAny(_session, Task.Delay(TimeSpan.FromSeconds(10))).ConfigureAwait(false) != _session)
        {
            // Closing the connection makes dockerd close psql's stdin too; the exec is also sent SIGTERM.
            await _abandon.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await _session.ConfigureAwait(false);
        }
        catch (Exception e) when (e is BackupPsException or OperationCanceledException or IOException)
        {
            // The lock is released with the session whichever way it ended.
        }

        _abandon.Dispose();
    }

    private static async Task<ExecResult> RunAsync(DockerClient docker, string containerId, ExecRequest request, Stream stdin, FirstLine stdout,
        CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            return await docker.ExecAsync(containerId, request, stdin, stdout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Whoever waits for the first line learns that the session ended without one.
            stdout.End();
        }
    }

    private static BackupPsException BusyError(string database, DatabaseTarget server, string holders)
    {
        var who = "another BackupPs operation";
        string? terminate = null;
        try
        {
            using var json = JsonDocument.Parse(holders.Trim());
            if (json.RootElement.EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } holder)
            {
                var pid = holder.GetProperty("pid").GetInt32().ToString(CultureInfo.InvariantCulture);
                var application = holder.GetProperty("application").GetString() ?? "";
                who = $"{application} (server process {pid}, user {holder.GetProperty("user").GetString()}, since {holder.GetProperty("since").GetString()})";
                // Ending a running operation's lock session would let two operations change the database at once (the
                // swap then refuses, but only at its end): advised only when the owner is known to be gone.
                if (OwnerIsGone(application, Environment.MachineName, ProcessRuns))
                {
                    terminate = $" That BackupPs process no longer runs on this host, so its lock outlived it; unless a BackupPs in another PID namespace "
                        + $"(a container) with this host name holds it, end that session in {server.Container.Name}: SELECT pg_terminate_backend({pid});";
                }
            }
        }
        catch (JsonException)
        {
            // The holder ended between the two statements: the refusal stands, without its name.
        }

        return new BackupPsException("DatabaseBusy", FailureCategory.ResourceBusy,
            $"Database {database} in container {server.Container.Name} is being changed by {who}; nothing was done. Wait for that operation to finish, then run this one again.{terminate}")
        { Target = database };
    }

    /// <summary>
    /// Whether the owner named in a lock session's application_name ("backupps restore-database pid 123 on host") is
    /// known not to run: its host is <paramref name="machine"/> and no process has its id. False when that cannot be
    /// told (another host, a name cut at 63 bytes).
    /// </summary>
    internal static bool OwnerIsGone(string application, string machine, Func<int, bool> processRuns)
    {
        var parts = application.Split(' ');
        return parts is ["backupps", _, "pid", var pid, "on", ..] && int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            && string.Join(' ', parts[5..]) == machine && !processRuns(id);
    }

    private static bool ProcessRuns(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>psql's stdin after the script: nothing more, and no end until the lock is released.</summary>
    private sealed class HeldOpen(Task release) : ForwardOnlyReadStream
    {
        public override int Read(Span<byte> buffer)
        {
            release.Wait();
            return 0;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await release.WaitAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
    }

    /// <summary>psql's output: the first line as soon as it arrives (null when the session ended first), and all of it.</summary>
    private sealed class FirstLine : WriteOnlyStream
    {
        private readonly TaskCompletionSource<string?> _line = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly MemoryStream _bytes = new();

        public Task<string?> Line => _line.Task;

        /// <summary>Everything after the first line.</summary>
        public string Text
        {
            get
            {
                lock (_bytes)
                {
                    var all = Encoding.UTF8.GetString(_bytes.GetBuffer(), 0, (int)_bytes.Length);
                    var newline = all.IndexOf('\n', StringComparison.Ordinal);
                    return newline < 0 ? "" : all[(newline + 1)..];
                }
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            lock (_bytes)
            {
                _bytes.Write(buffer);
                var all = _bytes.GetBuffer().AsSpan(0, (int)_bytes.Length);
                if (all.IndexOf((byte)'\n') is var newline and >= 0)
                {
                    _line.TrySetResult(Encoding.UTF8.GetString(all[..newline]));
                }
            }
        }

        public override void Flush()
        {
        }

        public void End() => _line.TrySetResult(null);
    }
}
