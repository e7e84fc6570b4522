using System.Text;

namespace BackupPs.Core.Restore;

/// <summary>
/// What psql gets of a plain SQL dump. A write-through filter that works on whole lines outside COPY
/// data (which passes untouched):
/// <list type="bullet">
/// <item>drops the <c>BEGIN;</c>/<c>COMMIT;</c> pg_dump wraps large-object data in, which would
/// otherwise end psql's --single-transaction early: the whole restore stays one transaction;</item>
/// <item>-NoOwner / -NoAcl / -Role, which pg_restore does for custom archives from their table of
/// contents: drops the one-line statements pg_dump writes for ownership (<c>ALTER ... OWNER TO
/// ...;</c>) and privileges (<c>GRANT</c>, <c>REVOKE</c>, <c>ALTER DEFAULT PRIVILEGES</c>), and puts
/// <c>SET ROLE</c> first.</item>
/// </list>
/// Limitation: such a line inside a function body would be dropped too; pg_dump never writes one
/// there on its own.
/// </summary>
internal sealed class PlainScriptFilter : Stream
{
    private readonly Stream _inner;
    private readonly bool _noOwner;
    private readonly bool _noAcl;
    private readonly MemoryStream _line = new();
    private bool _inCopyData;

    public PlainScriptFilter(Stream inner, bool noOwner, bool noAcl, string? role)
    {
        _inner = inner;
        _noOwner = noOwner;
        _noAcl = noAcl;
        if (role is not null)
        {
            var set = Encoding.UTF8.GetBytes($"SET ROLE {Database.SqlText.Identifier(role)};\n");
            _inner.Write(set);
        }
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var end = buffer.IndexOf((byte)'\n');
            if (end < 0)
            {
                _line.Write(buffer);
                return;
            }

            _line.Write(buffer[..(end + 1)]);
            EmitLine();
            buffer = buffer[(end + 1)..];
        }
    }

    public override void Flush() => _inner.Flush();

    /// <summary>Passes on a last line without a newline; call once, at the end of the script.</summary>
    public void Complete()
    {
        if (_line.Length > 0)
        {
            EmitLine();
        }

        _inner.Flush();
    }

    private void EmitLine()
    {
        var line = _line.GetBuffer().AsSpan(0, (int)_line.Length);
        _line.SetLength(0);
        if (_inCopyData)
        {
            _inCopyData = !line.TrimEnd("\r\n"u8).SequenceEqual("\\."u8);
            _inner.Write(line);
            return;
        }

        var text = line.TrimEnd("\r\n"u8);
        if (text.StartsWith("COPY "u8) && text.EndsWith("FROM stdin;"u8))
        {
            _inCopyData = true;
        }
        else if (text.SequenceEqual("BEGIN;"u8) || text.SequenceEqual("COMMIT;"u8)
            || (_noOwner && text.StartsWith("ALTER "u8) && text.IndexOf(" OWNER TO "u8) > 0 && text.EndsWith(";"u8))
            || (_noAcl && (text.StartsWith("GRANT "u8) || text.StartsWith("REVOKE "u8) || text.StartsWith("ALTER DEFAULT PRIVILEGES "u8))))
        {
            return;
        }

        _inner.Write(line);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _line.Dispose();
        }

        base.Dispose(disposing);
    }
}
