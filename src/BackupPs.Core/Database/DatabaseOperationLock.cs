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
        // Busy: the holder's session, found through pg_locks (the two-key form keeps the keys in classid/objid, objsubid 2).
        var script = $"""
            SET application_name = {SqlText.Literal(owner)};
            SELECT pg_catalog.pg_try_advisory_lock({key}) AS backupps_locked \gset
            \if :backupps_locked
            \echo {Locked}
            \else
            \echo {Busy}
            SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_object('pid', a.pid, 'application', a.application_name, 'user', a.usename,
                       'since', pg_catalog.to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))), '[]')
              FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
             WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
               AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())
               AND l.classid = {LockClass.ToString(CultureInfo.InvariantCulture)}
               AND l.objid = (pg_catalog.hashtext({SqlText.Literal(database)})::bigint & 4294967295)::oid;
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
            if (answer == Locked)
            {
                return held;
            }

            var result = await held._session.ConfigureAwait(false);
            if (answer == Busy)
            {
                throw BusyError(database, server, stdout.Text);
            }

            throw new BackupPsException("DatabaseUnavailable", FailureCategory.ResourceUnavailable,
                $"Could not take BackupPs's operation lock on database {database} in {server.Container.Name}: psql ended with exit code {result.ExitCode}: {DatabaseTarget.FirstLine(result.Stderr)}")
            { Target = database };
        }
        catch
        {
            await held.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Throws when the lock's session has ended (someone terminated it): the operation is no longer protected.</summary>
    public void EnsureHeld(string database)
    {
        if (_session.IsCompleted)
        {
            throw new BackupPsException("DatabaseLockLost", FailureCategory.InvalidOperation,
                $"BackupPs's operation lock on database {database} was lost (its session in the maintenance database ended, e.g. terminated by hand), so nothing more is changed; run the restore again.")
            { Target = database };
        }
    }

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
                who = $"{holder.GetProperty("application").GetString()} (server process {pid}, user {holder.GetProperty("user").GetString()}, since {holder.GetProperty("since").GetString()})";
                terminate = $" If that process no longer runs, end its session in {server.Container.Name}: SELECT pg_terminate_backend({pid});";
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
