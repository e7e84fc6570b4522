using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using BackupPs.Core.Postgres;

namespace BackupPs.Core.Restore;

/// <summary>
/// Loads the COPY data of a custom archive over several sessions while the archive is being checked.
/// pg_restore loads each table in one COPY, so one backend (one core) carries a whole restore of a
/// database dominated by one big table; here the rows are cut at line boundaries into chunks of about
/// 1 MiB, each sent as its own <c>COPY ... FROM stdin</c> to whichever psql session is free. The
/// order of rows within a table is not kept (SQL tables have none). Blocks this loader does not take
/// (large objects, INSERT-style data) are forwarded raw to the data-section pg_restore.
/// </summary>
internal sealed partial class CopyLoader : IArchiveObserver
{
    private const int ChunkBytes = 1 << 20;

    /// <summary>"\.\n\n\n": the end of every COPY text block in a custom archive (the \. line, then two empty lines).</summary>
    private const int TerminatorBytes = 5;

    private static readonly byte[] EndOfCopy = "\\.\n"u8.ToArray();

    private readonly BlockingCollection<Chunk> _chunks;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _sessions;
    private readonly Dictionary<int, byte[]> _statements = new();
    private readonly Dictionary<int, long> _blockStarts = new();
    private byte[] _pending = ArrayPool<byte>.Shared.Rent(ChunkBytes);
    private int _length;
    private Exception? _sessionFailure;

    /// <param name="blockSink">The data-section pg_restore's input, for the blocks that are not COPY text.</param>
    /// <param name="sessions">psql sessions in the side database, reading a script from their input.</param>
    /// <param name="preamble">Settings each session sends first (client encoding and friends, as pg_restore does).</param>
    public CopyLoader(Stream blockSink, IReadOnlyList<FedProgram> sessions, string preamble)
    {
        BlockSink = blockSink;
        _chunks = new BlockingCollection<Chunk>(2 * sessions.Count);
        var start = Encoding.UTF8.GetBytes(preamble);
        _sessions = sessions.Select(s => Task.Factory.StartNew(() => Feed(s, start), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
            .ToArray();
    }

    public Stream BlockSink { get; }

    /// <summary>Where each data block started in the archive (for <see cref="ArchiveTableOfContents.WithDataPositions"/>).</summary>
    public IReadOnlyDictionary<int, long> BlockStarts => _blockStarts;

    /// <summary>The archive's length up to the end of its last block.</summary>
    public long ArchiveLength { get; private set; }

    /// <summary>The session preamble pg_restore would send: the archive's encoding and string settings, an empty search_path, no row security, XML content, and the role (the timeouts are off from the connection's start).</summary>
    public static string Preamble(IEnumerable<ArchiveEntry> entries, string? role)
    {
        var sql = new StringBuilder();
        foreach (var e in entries.Where(e => e.Definition is not null))
        {
            sql.Append(e.Definition).Append('\n');
        }

        // xmloption decides whether an xml value may be a fragment: COPY must read what pg_dump wrote under "content".
        sql.Append("SELECT pg_catalog.set_config('search_path', '', false);\nSET row_security = off;\nSET xmloption = content;\n");
        if (role is not null)
        {
            sql.Append("SET ROLE ").Append(Database.SqlText.Identifier(role)).Append(";\n");
        }

        return sql.ToString();
    }

    /// <summary>
    /// Says which table a COPY session's error is about. psql -b prints the failed COPY statement, which is the
    /// entry's own (schema-qualified); the server's CONTEXT ("COPY items, line 42: ...") names the table without
    /// its schema, which is enough when only one loaded table has that name.
    /// </summary>
    public static RestoreError Locate(IEnumerable<ArchiveEntry> entries, RestoreError error)
    {
        if (error.Object is not null)
        {
            return error;
        }

        var loaded = entries.Where(Loads).ToArray();
        var byStatement = loaded.Where(e => e.CopyStatement!.Trim() == error.Command?.Trim()).ToArray();
        var table = error.Context is null ? null : CopyContext().Match(error.Context) is { Success: true } m ? m.Groups["table"].Value : null;
        var candidates = byStatement.Length > 0 ? byStatement : loaded.Where(e => e.Tag == table).ToArray();
        return candidates.Length == 1
            ? error with { Object = $"TABLE DATA {candidates[0].Namespace}.{candidates[0].Tag}", Command = error.Command ?? candidates[0].CopyStatement!.Trim() }
            : error;
    }

    /// <summary>What the advice says when the load order may be the cause (see <see cref="AdviseLoadOrder"/>).</summary>
    public const string OneSessionAdvice = "retry with -Jobs 1, which loads tables one at a time in the archive's order as pg_restore does";

    /// <summary>
    /// With several sessions, tables are loaded side by side, not one after the other in the archive's order as
    /// pg_restore loads them: a CHECK constraint or a function that reads another table (which may not be loaded
    /// yet) can fail here and pass with one session. Such an error of a COPY session gets that advice too.
    /// </summary>
    public static RestoreError AdviseLoadOrder(RestoreError error, int sessions)
    {
        var fromCheckOrFunction = error.Message.Contains("violates check constraint", StringComparison.Ordinal)
            || (error.Context is not null && FunctionContext().IsMatch(error.Context));
        return sessions > 1 && fromCheckOrFunction
            ? error with { Advice = error.Advice is null ? OneSessionAdvice : $"{error.Advice}; or {OneSessionAdvice}" }
            : error;
    }

    /// <summary>Whether the loader takes an entry's data itself; the others go to pg_restore.</summary>
    public static bool Loads(ArchiveEntry entry) => entry.IsTableData && entry.HadDumper && entry.CopyStatement is not null;

    public bool ForwardBlock(ArchiveEntry entry) => !Loads(entry);

    public void Rows(ArchiveEntry entry, ReadOnlySpan<byte> payload)
    {
        while (!payload.IsEmpty)
        {
            if (_length == _pending.Length)
            {
                Cut(entry);
            }

            var take = Math.Min(payload.Length, _pending.Length - _length);
            payload[..take].CopyTo(_pending.AsSpan(_length));
            _length += take;
            payload = payload[take..];
        }
    }

    public void BlockEnded(ArchiveEntry entry)
    {
        _blockStarts[entry.DumpId] = entry.BlockStart;
        ArchiveLength = Math.Max(ArchiveLength, entry.BlockEnd);
        if (Loads(entry))
        {
            // The parser has proven that the block ends with the terminator; what precedes it are whole rows.
            _length -= TerminatorBytes;
            Send(entry, _length);
            _length = 0;
        }
    }

    /// <summary>
    /// After the last block: waits until every session has been given its last chunk and ends their
    /// input, then throws if a session stopped early. With <paramref name="abort"/> (the restore failed)
    /// queued chunks are dropped instead.
    /// </summary>
    public async Task FinishAsync(bool abort)
    {
        if (abort)
        {
            _stop.Cancel();
        }

        _chunks.CompleteAdding();
        await Task.WhenAll(_sessions).ConfigureAwait(false);
        while (_chunks.TryTake(out var chunk))
        {
            ArrayPool<byte>.Shared.Return(chunk.Rows);
        }

        ArrayPool<byte>.Shared.Return(_pending);
        _pending = [];
        _stop.Dispose();
        _chunks.Dispose();
        if (!abort)
        {
            ThrowIfSessionFailed();
        }
    }

    /// <summary>Sends the whole rows in the full buffer and keeps the rest (and always the last bytes, which may be the terminator).</summary>
    private void Cut(ArchiveEntry entry)
    {
        var lastNewline = _pending.AsSpan(0, _length - TerminatorBytes).LastIndexOf((byte)'\n');
        if (lastNewline < 0)
        {
            // One row longer than the buffer (a large bytea or text value): grow until it fits.
            var larger = ArrayPool<byte>.Shared.Rent(_pending.Length * 2);
            _pending.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_pending);
            _pending = larger;
            return;
        }

        var rest = _length - (lastNewline + 1);
        var next = ArrayPool<byte>.Shared.Rent(Math.Max(ChunkBytes, rest * 2));
        _pending.AsSpan(lastNewline + 1, rest).CopyTo(next);
        var full = _pending;
        _pending = next;
        _length = rest;
        Queue(entry, full, lastNewline + 1);
    }

    private void Send(ArchiveEntry entry, int length)
    {
        if (length <= 0)
        {
            return;
        }

        var rows = _pending;
        _pending = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        Queue(entry, rows, length);
    }

    private void Queue(ArchiveEntry entry, byte[] rows, int length)
    {
        if (!_statements.TryGetValue(entry.DumpId, out var statement))
        {
            statement = Encoding.UTF8.GetBytes(entry.CopyStatement!.TrimEnd() + "\n");
            _statements.Add(entry.DumpId, statement);
        }

        try
        {
            _chunks.Add(new Chunk(statement, rows, length), _stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
            ArrayPool<byte>.Shared.Return(rows);
            ThrowIfSessionFailed();
            throw new IOException("the restore stopped while rows were being loaded", e);
        }
    }

    private void ThrowIfSessionFailed()
    {
        if (Volatile.Read(ref _sessionFailure) is { } failure)
        {
            throw new IOException($"a COPY session stopped reading ({failure.Message})", failure);
        }
    }

    private void Feed(FedProgram session, byte[] preamble)
    {
        try
        {
            session.Input.Write(preamble);
            foreach (var chunk in _chunks.GetConsumingEnumerable(_stop.Token))
            {
                try
                {
                    session.Input.Write(chunk.Statement);
                    session.Input.Write(chunk.Rows, 0, chunk.Length);
                    session.Input.Write(EndOfCopy);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(chunk.Rows);
                }
            }

            session.CloseInput();
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The session ended early (its exit status says why) or the restore was stopped: stop the others too.
            if (!_stop.IsCancellationRequested)
            {
                Interlocked.CompareExchange(ref _sessionFailure, e, null);
                _stop.Cancel();
            }

            session.CloseInput(e);
        }
    }

    // The server's CONTEXT of an error in COPY FROM: "COPY items, line 42" or "COPY items, line 42, column qty: "x"".
    // Below the context of a function the COPY called (a CHECK constraint's), on a line of its own.
    [GeneratedRegex(@"^COPY (?<table>.+?), line \d+", RegexOptions.Multiline)]
    private static partial Regex CopyContext();

    // A function ran when the error was raised: "PL/pgSQL function public.f(integer) line 1 at RETURN", "SQL function "f" statement 1".
    [GeneratedRegex(@"(?:PL/pgSQL|SQL) function ")]
    private static partial Regex FunctionContext();

    private readonly record struct Chunk(byte[] Statement, byte[] Rows, int Length);
}
