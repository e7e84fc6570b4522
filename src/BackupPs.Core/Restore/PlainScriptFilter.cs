using System.Text;
using BackupPs.Core.Postgres;
using BackupPs.Core.Storage;

namespace BackupPs.Core.Restore;

/// <summary>
/// What psql gets of a plain SQL dump for -NoOwner / -NoAcl / -Role, which pg_restore does for custom
/// archives from their table of contents. A write-through filter that puts <c>SET ROLE</c> first and
/// drops the top-level statements pg_dump writes for ownership (<c>ALTER ... OWNER TO role;</c>) and
/// privileges (<c>GRANT</c>, <c>REVOKE</c>, <c>ALTER DEFAULT PRIVILEGES</c>). Statements are found
/// with <see cref="SqlScriptLexer"/>, so text in strings, quoted identifiers, function bodies,
/// comments and COPY data is never touched; without -NoOwner and -NoAcl the script passes unchanged.
/// </summary>
internal sealed class PlainScriptFilter : WriteOnlyStream
{
    private readonly Stream _inner;
    private readonly bool _noOwner;
    private readonly bool _noAcl;
    private readonly SqlScriptLexer? _lexer;

    // The start of the current statement, kept until it is known whether it is dropped.
    private readonly MemoryStream _pending = new();
    private Decision _decision;

    // A '-' or '/' between statements that the lexer needs the next byte to classify.
    private byte? _carry;

    // The newline after a dropped statement goes with it.
    private bool _dropNewline;

    public PlainScriptFilter(Stream inner, bool noOwner, bool noAcl, string? role)
    {
        _inner = inner;
        _noOwner = noOwner;
        _noAcl = noAcl;
        _lexer = noOwner || noAcl ? new SqlScriptLexer() : null;
        if (role is not null)
        {
            var set = Encoding.UTF8.GetBytes($"SET ROLE {Database.SqlText.Identifier(role)};\n");
            _inner.Write(set);
        }
    }

    private enum Decision
    {
        Undecided,
        Keep,
        Drop,
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_lexer is null)
        {
            _inner.Write(buffer);
            return;
        }

        if (_carry is { } carried && !buffer.IsEmpty)
        {
            // The carried byte and the next one are enough to tell a comment from a statement.
            _carry = null;
            Span<byte> pair = [carried, buffer[0]];
            var first = _lexer.Read(pair);
            Take(first, pair[..first.Length]);
            buffer = buffer[(first.Length - 1)..];
        }

        while (!buffer.IsEmpty)
        {
            var run = _lexer.Read(buffer);
            if (run.Length == 0)
            {
                _carry = buffer[0];
                return;
            }

            Take(run, buffer[..run.Length]);
            buffer = buffer[run.Length..];
        }
    }

    public override void Flush() => _inner.Flush();

    /// <summary>Passes on what is left (a statement without its ';'); call once, at the end of the script.</summary>
    public void Complete()
    {
        if (_carry is { } carried)
        {
            _inner.Write([carried]);
        }

        if (_decision == Decision.Undecided)
        {
            WritePending();
        }

        _inner.Flush();
    }

    private void Take(SqlRun run, ReadOnlySpan<byte> bytes)
    {
        if (run.Part != SqlScriptPart.Statement)
        {
            if (_dropNewline && run.Part == SqlScriptPart.Space && bytes[0] == (byte)'\n')
            {
                bytes = bytes[1..];
            }

            _dropNewline = false;
            _inner.Write(bytes);
            return;
        }

        _dropNewline = false;
        if (run.Starts)
        {
            _decision = Decision.Undecided;
        }

        if (_decision == Decision.Undecided)
        {
            _decision = Decide(run.Ends);
            if (_decision == Decision.Keep)
            {
                WritePending();
            }
            else if (_decision == Decision.Undecided)
            {
                _pending.Write(bytes);
                return;
            }

            _pending.SetLength(0);
        }

        if (_decision == Decision.Keep)
        {
            _inner.Write(bytes);
        }
        else
        {
            _dropNewline = run.Ends;
        }
    }

    /// <summary>Whether the statement read so far is one that -NoOwner / -NoAcl leave out, once its tokens tell.</summary>
    private Decision Decide(bool ended)
    {
        var lexer = _lexer!;
        var first = lexer.Head(0);
        if (_noAcl && first is SqlToken.Grant or SqlToken.Revoke)
        {
            return Decision.Drop;
        }

        if (first == SqlToken.Alter)
        {
            if (_noAcl && lexer.Head(1) == SqlToken.Default && lexer.Head(2) == SqlToken.Privileges)
            {
                return Decision.Drop;
            }

            // pg_dump ends every ownership statement with OWNER TO role.
            if (_noOwner && ended)
            {
                var role = lexer.Tail(0);
                return lexer.Tail(2) == SqlToken.Owner && lexer.Tail(1) == SqlToken.To && role >= SqlToken.QuotedIdentifier
                    ? Decision.Drop
                    : Decision.Keep;
            }

            return ended || (lexer.HeadCount >= 3 && !_noOwner) ? Decision.Keep : Decision.Undecided;
        }

        return ended || lexer.HeadCount > 0 ? Decision.Keep : Decision.Undecided;
    }

    private void WritePending()
    {
        if (_pending.Length > 0)
        {
            _inner.Write(_pending.GetBuffer().AsSpan(0, (int)_pending.Length));
            _pending.SetLength(0);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _pending.Dispose();
        }

        base.Dispose(disposing);
    }
}
