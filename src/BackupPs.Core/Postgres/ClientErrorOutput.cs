using System.Text;
using System.Text.RegularExpressions;

namespace BackupPs.Core.Postgres;

/// <summary>One error a PostgreSQL client program (pg_restore, pg_dump, psql) wrote to stderr, with the fields the server sent along.</summary>
/// <param name="Message">The primary message, without the "ERROR:" prefix.</param>
/// <param name="StatementError">The server rejected a statement (severity ERROR); false for connection failures (FATAL) and the client's own errors.</param>
/// <param name="Entry">pg_restore's "from TOC entry" text ("TABLE items app"), printed only with -v.</param>
/// <param name="Statement">The whole failed statement: pg_restore's "Command was:", pg_dump's "Query was:", psql's "STATEMENT:" (psql -b).</param>
internal sealed record ClientError(string Message, bool StatementError, string? Entry, string? Statement, string? Detail, string? Hint, string? Context);

/// <summary>
/// Reads the errors out of what pg_restore, pg_dump and psql write to stderr. A server error is a block of lines:
/// the message, then DETAIL, HINT, CONTEXT (PL/pgSQL adds lines of its own), LINE with a caret, and the
/// statement; fields and statements may span lines, and they end where the next message of the program starts.
/// <code>
/// pg_restore: from TOC entry 215; 1259 16396 TABLE t2 app          (only with pg_restore -v)
/// pg_restore: error: could not execute query: ERROR:  relation "t2" already exists
/// Command was: CREATE TABLE public.t2 (
///     x integer
/// );
/// psql:/tmp/.backupps-1.fifo:5: ERROR:  new row for relation "t2" violates check constraint "t2_x_check"
/// DETAIL:  Failing row contains (5).
/// CONTEXT:  COPY t2, line 1: "5"
/// psql:/tmp/.backupps-1.fifo:5: STATEMENT:  COPY public.t2 (x) FROM stdin;   (psql -b)
/// </code>
/// psql reading its stdin prints the same without the "psql:file:line: " prefix.
/// </summary>
internal static partial class ClientErrorOutput
{
    /// <summary>Statements are kept up to this many characters (their first lines), which is enough to find them in the dump.</summary>
    public const int MaxStatementLength = 4096;

    /// <summary>Messages and server fields are kept up to this many characters (a CONTEXT line quotes the row's data).</summary>
    public const int MaxFieldLength = 1000;

    private enum Field { None, Statement, Detail, Hint, Context, Ignored }

    public static IReadOnlyList<ClientError> Parse(string stderr)
    {
        var errors = new List<ClientError>();
        Block? current = null;
        string? entry = null;

        // The entry line was the last one: a name with a line break in it (a role "a<newline>b" owning the object) goes on below.
        var entryOpen = false;
        var field = Field.None;
        foreach (var raw in stderr.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (TocEntry().Match(line) is { Success: true } toc)
            {
                Close();
                entry = toc.Groups[1].Value.Trim();
                entryOpen = true;
                continue;
            }

            if (entryOpen && !ErrorLine().IsMatch(line) && !ProgramLine().IsMatch(line))
            {
                entry += "\n" + line;
                continue;
            }

            entryOpen = false;
            if (ErrorLine().Match(line) is { Success: true } error)
            {
                Close();
                var message = error.Groups["message"].Value.Trim();
                var statementError = message.StartsWith("ERROR:", StringComparison.Ordinal) || CopyFailed().IsMatch(message);
                message = CopyFailed().Replace(ServerPrefix().Replace(message, ""), "$1");
                current = new Block(message, statementError, entry);
                entry = null;
                continue;
            }

            if (FieldLine().Match(line) is { Success: true } named)
            {
                field = named.Groups["name"].Value switch
                {
                    "DETAIL" => Field.Detail,
                    "HINT" => Field.Hint,
                    "CONTEXT" or "QUERY" => Field.Context,
                    "STATEMENT" or "Command was" or "Query was" => Field.Statement,
                    _ => Field.Ignored,
                };
                current?.Append(field, named.Groups["text"].Value);
                continue;
            }

            if (ProgramLine().IsMatch(line))
            {
                // Another message of the program (progress, notice, warning): the error's block has ended.
                Close();
                continue;
            }

            // Before the first field, a line continues the message: the server's message had a line break in it
            // (a quoted name such as role "a<newline>b").
            current?.Append(field, line);
        }

        Close();
        return errors;

        void Close()
        {
            if (current is not null)
            {
                errors.Add(current.ToError());
            }

            current = null;
            field = Field.None;
        }
    }

    /// <summary>
    /// What to do about a server condition whose remedy does not depend on what was running: timeouts, the lock
    /// table, the disk, privileges, and errors raised by a function of the database (a trigger or an event trigger).
    /// </summary>
    public static string? Remedy(string message, string? context) => message switch
    {
        _ when message.Contains("statement timeout", StringComparison.Ordinal) =>
            "a statement_timeout of the server, database or login role cancelled it; remove it for the restore (ALTER ROLE/DATABASE ... RESET statement_timeout, or ALTER SYSTEM) and retry",
        _ when message.Contains("lock timeout", StringComparison.Ordinal) =>
            "another session held a lock longer than lock_timeout allows; retry when it has finished, or remove the lock_timeout of the server, database or login role",
        _ when message.Contains("out of shared memory", StringComparison.Ordinal) =>
            "the server's lock table is full: raise max_locks_per_transaction (ALTER SYSTEM SET max_locks_per_transaction = 256, then restart the server) and retry",
        _ when message.Contains("No space left on device", StringComparison.Ordinal) || message.Contains("could not extend file", StringComparison.Ordinal) =>
            "the server's disk is full: free space on the volume of the container's data directory and retry",
        _ when message.Contains("would be affected by row-level security policy", StringComparison.Ordinal) =>
            "row-level security applies to the login for this table (FORCE ROW LEVEL SECURITY on a table it owns), so its rows cannot all be seen "
            + "and counted: restore as a superuser or a role with BYPASSRLS",
        _ when message.Contains("permission denied", StringComparison.Ordinal) =>
            "the login (or -Role) lacks a privilege here: restore as the database owner or a superuser, or grant it",
        _ when context is not null && message.EndsWith("does not exist", StringComparison.Ordinal) && InFunction().Match(context) is { Success: true } inside =>
            $"the function {inside.Groups["function"].Value} names an object without its schema, and restores run with an empty search_path "
            + "(as pg_restore does): qualify the names in the function, or give it its own search_path (ALTER FUNCTION ... SET search_path = public), then back up again",
        _ when context is not null && RaisedByFunction().Match(context) is { Success: true } raised =>
            $"raised by the function {raised.Groups["function"].Value} of the target database (a trigger or an event trigger, see \\dy in psql): "
            + "disable it for the restore (ALTER EVENT TRIGGER ... DISABLE) or change it",
        _ => null,
    };

    /// <summary>An error in one line: "message; in object; DETAIL: ...; HINT: ...; CONTEXT: ...; statement: ... (advice)".</summary>
    public static string Describe(string message, string? about, string? detail, string? hint, string? context, string? statement, string? advice)
    {
        var parts = new List<string> { message.Trim() };
        if (about is not null)
        {
            parts.Add("in " + about);
        }

        parts.AddRange(new[] { ("DETAIL", detail), ("HINT", hint), ("CONTEXT", context), ("statement", statement is null ? null : Bound(statement, 300)) }
            .Where(f => f.Item2 is not null)
            .Select(f => $"{f.Item1}: {f.Item2!.Trim()}"));

        // One line: messages, names (a role "a<newline>b") and statements may span several.
        return LineBreaks().Replace(string.Join("; ", parts) + (advice is null ? "" : $" ({advice})"), " ");
    }

    /// <summary>Cuts <paramref name="text"/> to <paramref name="max"/> characters at a line end when it can, saying how much was left off.</summary>
    internal static string Bound(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var cut = text.LastIndexOf('\n', max - 1);
        var kept = cut > max / 2 ? text[..cut] : text[..max];
        return $"{kept}\n... ({text.Length - kept.Length} more characters)";
    }

    private sealed class Block(string message, bool statementError, string? entry)
    {
        private readonly StringBuilder?[] _fields = new StringBuilder?[(int)Field.Ignored];
        private readonly StringBuilder _message = new(message);

        /// <summary>
        /// Adds a field's first line, or a continuation line (a second DETAIL line is joined the same way); with
        /// <see cref="Field.None"/>, a continuation line of the message.
        /// </summary>
        public void Append(Field field, string text)
        {
            if (field is Field.None)
            {
                if (_message.Length <= 2 * MaxFieldLength)
                {
                    _message.Append('\n').Append(text);
                }

                return;
            }

            if (field is Field.Ignored)
            {
                return;
            }

            var value = _fields[(int)field - 1];
            if (value is null)
            {
                _fields[(int)field - 1] = new StringBuilder(text);
            }
            else if (value.Length <= 2 * MaxStatementLength)
            {
                value.Append('\n').Append(text);
            }
        }

        public ClientError ToError() => new(
            Bound(_message.ToString().TrimEnd(), MaxFieldLength), statementError, entry,
            Text(Field.Statement, MaxStatementLength), Text(Field.Detail, MaxFieldLength), Text(Field.Hint, MaxFieldLength), Text(Field.Context, MaxFieldLength));

        private string? Text(Field field, int max)
        {
            var text = _fields[(int)field - 1]?.ToString().TrimEnd();
            return string.IsNullOrEmpty(text) ? null : Bound(text, max);
        }
    }

    // pg_restore 12: "pg_restore: [archiver (db)] Error from TOC entry 215; 1259 16386 TABLE items app"
    // pg_restore 13+: "pg_restore: from TOC entry 215; 1259 16386 TABLE items app"
    [GeneratedRegex(@"^pg_restore: (?:\[archiver \(db\)\] Error )?from TOC entry \d+; \d+ \d+ (.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex TocEntry();

    // "pg_restore: error: could not execute query: ERROR:  role "x" does not exist" (13+),
    // "pg_restore: [archiver (db)] could not execute query: ERROR: ..." (12),
    // "psql:<file>:42: ERROR:  syntax error at ...", "ERROR:  ..." (psql reading stdin),
    // "psql: error: connection to server ... failed", and pg_dump's "pg_dump: error: query failed: ERROR:  ...".
    [GeneratedRegex(@"^(?:pg_restore: (?:error: |\[archiver \(db\)\] )(?:could not execute query: )?|pg_dump: error: (?:query failed: )?|psql:[^:]*:\d+: (?=(?:ERROR|FATAL|PANIC):)|psql: error: |(?=(?:ERROR|FATAL|PANIC):  ))(?<message>.*)$")]
    private static partial Regex ErrorLine();

    // "DETAIL:  ...", "psql:<file>:5: STATEMENT:  ...", "LINE 2:   nothere", "Command was: ...", "pg_dump: detail: Query was: ..."
    [GeneratedRegex(@"^(?:psql:[^:]*:\d+: |pg_dump: detail: )?(?<name>DETAIL|HINT|CONTEXT|QUERY|STATEMENT|LINE \d+|Command was|Query was):\s+(?<text>.*)$")]
    private static partial Regex FieldLine();

    // Any other line the programs start themselves: progress, notices, warnings.
    [GeneratedRegex(@"^(?:pg_restore: |pg_dump: |psql:[^:]*:\d+: |psql: |(?:NOTICE|WARNING|INFO|LOG|DEBUG):  )")]
    private static partial Regex ProgramLine();

    // "PL/pgSQL function public.in_stock(integer) line 1 at RETURN", "SQL function "in_stock" statement 1".
    [GeneratedRegex(@"(?:PL/pgSQL function (?<function>\S+\(.*?\)) line \d+|SQL function ""(?<function>[^""]+)"")")]
    private static partial Regex InFunction();

    // "PL/pgSQL function block_ddl() line 4 at RAISE" (also on a line of its own below other context).
    [GeneratedRegex(@"PL/pgSQL function (?<function>\S+\(.*?\)) line \d+ at RAISE")]
    private static partial Regex RaisedByFunction();

    [GeneratedRegex(@"\s*\n\s*")]
    private static partial Regex LineBreaks();

    [GeneratedRegex(@"^(?:ERROR|FATAL|PANIC):\s+")]
    private static partial Regex ServerPrefix();

    // pg_restore: "COPY failed for table "t2": ERROR:  new row for relation ..."
    [GeneratedRegex(@"^(COPY failed for table "".*"": )(?:ERROR|FATAL):\s+")]
    private static partial Regex CopyFailed();
}
