using System.Globalization;
using System.Text;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Postgres;

/// <summary>
/// Reads a whole pg_dump plain SQL dump (<c>-Fp</c>) from a forward-only stream and proves it complete:
/// the header comment, every COPY block closed by its <c>\.</c> line (rows counted on the way), and the
/// "dump complete" trailer at the end. The script is split into statements by <see cref="SqlScriptLexer"/>,
/// as psql splits it, so a line inside a string or a function body is never taken for a statement or
/// for COPY data. Items are never materialised beyond a short prefix (a COPY statement whole).
/// </summary>
public static class PlainDumpReader
{
    /// <summary>
    /// Reads <paramref name="stream"/> from its current position to its end. Returns what was proven, or
    /// throws <see cref="BackupPsException"/> (category InvalidData, ErrorIds in <see cref="DumpErrorIds"/>).
    /// The stream is not disposed.
    /// </summary>
    public static DumpInspection Read(Stream stream, CancellationToken cancellationToken = default)
    {
        using var input = new DumpInput(stream, cancellationToken);
        return Read(input);
    }

    internal static DumpInspection Read(DumpInput input) => new PlainDumpParser(input).Parse();
}

internal sealed class PlainDumpParser
{
    private const string HeaderLine = "-- PostgreSQL database dump";
    private const string TrailerLine = "-- PostgreSQL database dump complete";
    private const string ServerVersionPrefix = "-- Dumped from database version ";
    private const string PgDumpVersionPrefix = "-- Dumped by pg_dump version ";

    // Comments and meta-commands are classified from their first bytes, other statements from fewer;
    // a COPY statement is kept whole (its column list can be long), up to a size pg_dump never reaches.
    private const int CommentPrefix = 4096;
    private const int StatementPrefix = 64;
    private const int MaxCopyStatement = 1 << 20;

    private readonly DumpInput _in;
    private readonly SqlScriptLexer _lexer = new();
    private readonly List<TableRowCount> _tables = new();

    // The first bytes of the current item.
    private byte[] _item = new byte[256];
    private int _itemLength;
    private bool _itemCut;
    private long _itemLine;

    private bool _headerSeen;
    private (string Schema, string Table)? _pendingTableData;
    private (string Schema, string Table) _copyTable;
    private bool _inCopy;
    private long _copyLines;
    private TrailerState _trailer;
    private string? _serverVersion;
    private string? _pgDumpVersion;
    private long _largeObjects;
    private long _lineNumber;

    internal PlainDumpParser(DumpInput input) => _in = input;

    private enum TrailerState
    {
        None,
        CompleteLine,
        Closed,
    }

    internal DumpInspection Parse()
    {
        if (!_in.Ensure(1))
        {
            throw DumpErrors.Empty();
        }

        _in.Ensure(DumpFormatDetector.BytesNeeded);
        var first = _in.AvailableSpan;
        if (DumpFormatDetector.Detect(first) != DumpFormat.Plain)
        {
            if ("--"u8.StartsWith(first) || "\\restrict"u8.StartsWith(first))
            {
                throw Truncated("the dump header");
            }

            string hint = DumpFormatDetector.Detect(first) == DumpFormat.Custom ? " (it is a custom-format archive)" : string.Empty;
            throw DumpErrors.Create(
                DumpErrorIds.DumpNotPostgresArchive,
                $"The dump does not start like a pg_dump plain SQL dump{hint}.");
        }

        SqlRun run = default;
        while (_in.Available > 0 || _in.Fill() > 0)
        {
            var span = _in.AvailableSpan;
            run = _lexer.Read(span);
            if (run.Length == 0)
            {
                // One byte that only the next one classifies.
                if (_in.Fill() == 0)
                {
                    break;
                }

                continue;
            }

            _in.Pos += run.Length;
            Take(run, span[..run.Length]);
        }

        if ((!run.Ends && run.Part != SqlScriptPart.Space) || _in.Available > 0 || _inCopy)
        {
            throw _inCopy
                ? Truncated("the data for table " + QualifiedName(_copyTable))
                : Truncated("line " + (_lineNumber + 1).ToString(CultureInfo.InvariantCulture));
        }

        if (!_headerSeen)
        {
            if (_in.TotalRead <= 64)
            {
                throw Truncated("the dump header");
            }

            throw DumpErrors.Create(
                DumpErrorIds.DumpNotPostgresArchive,
                $"The dump has no '{HeaderLine}' header, so it is not a pg_dump plain SQL dump.");
        }

        FlushPendingTableData();
        if (_trailer != TrailerState.Closed)
        {
            throw DumpErrors.Create(
                DumpErrorIds.DumpIncomplete,
                $"The plain dump does not end with the '{TrailerLine}' trailer (it ends at byte {_in.TotalRead.ToString(CultureInfo.InvariantCulture)}), so pg_dump did not finish writing it or the file was cut short.");
        }

        return new DumpInspection(
            DumpFormat.Plain,
            archiveVersion: null,
            _serverVersion,
            _pgDumpVersion,
            databaseName: null,
            tocEntries: 0,
            tableDataEntries: _tables.Count,
            _tables,
            _largeObjects,
            DumpCompression.None,
            compressionLevel: null,
            _in.TotalRead);
    }

    private void Take(SqlRun run, ReadOnlySpan<byte> bytes)
    {
        if (run.Part == SqlScriptPart.CopyData)
        {
            // One row a line (COPY text escapes newlines inside values); the last line is the "\." terminator.
            long lines = bytes.Count((byte)'\n');
            _copyLines += lines;
            _lineNumber += lines;
            if (run.Ends)
            {
                _inCopy = false;
                _tables.Add(new TableRowCount(_copyTable.Schema, _copyTable.Table, _copyLines - 1));
            }

            return;
        }

        if (run.Starts)
        {
            _itemLength = 0;
            _itemCut = false;
            _itemLine = _lineNumber + 1;
        }

        if (run.Part != SqlScriptPart.Space)
        {
            int limit = run.Part != SqlScriptPart.Statement ? CommentPrefix
                : _lexer.HeadCount == 0 || _lexer.Head(0) == SqlToken.Copy ? MaxCopyStatement
                : StatementPrefix;
            Keep(bytes, limit);
        }

        _lineNumber += bytes.Count((byte)'\n');
        if (run.Ends)
        {
            var item = _item.AsSpan(0, _itemLength);
            switch (run.Part)
            {
                case SqlScriptPart.Comment:
                    ProcessComment(item.TrimEnd("\r\n"u8));
                    break;
                case SqlScriptPart.MetaCommand:
                    ProcessMetaCommand(item);
                    break;
                case SqlScriptPart.Statement:
                    ProcessStatement(item);
                    break;
            }
        }
    }

    /// <summary>Keeps the first <paramref name="limit"/> bytes of the current item.</summary>
    private void Keep(ReadOnlySpan<byte> bytes, int limit)
    {
        int take = Math.Min(bytes.Length, limit - _itemLength);
        if (take < bytes.Length)
        {
            _itemCut = true;
        }

        if (take <= 0)
        {
            return;
        }

        if (_itemLength + take > _item.Length)
        {
            Array.Resize(ref _item, Math.Min(limit, Math.Max(_item.Length * 2, _itemLength + take)));
        }

        bytes[..take].CopyTo(_item.AsSpan(_itemLength));
        _itemLength += take;
    }

    private void ProcessMetaCommand(ReadOnlySpan<byte> text)
    {
        if (!_headerSeen)
        {
            if (!text.StartsWith("\\restrict"u8))
            {
                throw NotAPlainDump();
            }

            return;
        }

        // Since the August 2025 minor releases pg_dump ends plain output with \unrestrict <key>,
        // after the trailer; any other command means the trailer was not the end of the dump.
        if (!text.StartsWith("\\unrestrict"u8))
        {
            _trailer = TrailerState.None;
        }
    }

    private void ProcessStatement(ReadOnlySpan<byte> text)
    {
        if (!_headerSeen)
        {
            throw NotAPlainDump();
        }

        // Any statement after the trailer means the trailer was not the end of the dump.
        _trailer = TrailerState.None;
        if (_lexer.IsCopyFromStdin)
        {
            if (_itemCut)
            {
                throw DumpErrors.Create(
                    DumpErrorIds.DumpStructureInvalid,
                    $"Line {_itemLine.ToString(CultureInfo.InvariantCulture)} of the dump starts a COPY statement longer than {MaxCopyStatement} bytes, which pg_dump does not write.");
            }

            _copyTable = ParseCopyTarget(text);
            _inCopy = true;
            _copyLines = 0;
            _pendingTableData = null;
            return;
        }

        if (text.StartsWith("SELECT pg_catalog.lo_open('"u8))
        {
            // The BLOBS data section opens each large object once to write its contents.
            _largeObjects++;
        }
    }

    private void ProcessComment(ReadOnlySpan<byte> line)
    {
        if (!_headerSeen)
        {
            _headerSeen = line.SequenceEqual("-- PostgreSQL database dump"u8);
            return;
        }

        if (_trailer == TrailerState.CompleteLine && line.SequenceEqual("--"u8))
        {
            _trailer = TrailerState.Closed;
            return;
        }

        if (line.SequenceEqual("-- PostgreSQL database dump complete"u8))
        {
            FlushPendingTableData();
            _trailer = TrailerState.CompleteLine;
            return;
        }

        if (line.StartsWith("-- Name: "u8))
        {
            FlushPendingTableData();
            return;
        }

        if (line.StartsWith("-- Data for Name: "u8))
        {
            FlushPendingTableData();
            _pendingTableData = ParseTableDataComment(line);
            return;
        }

        if (_serverVersion is null && line.StartsWith("-- Dumped from database version "u8))
        {
            _serverVersion = Encoding.UTF8.GetString(line[ServerVersionPrefix.Length..]).Trim();
        }
        else if (_pgDumpVersion is null && line.StartsWith("-- Dumped by pg_dump version "u8))
        {
            _pgDumpVersion = Encoding.UTF8.GetString(line[PgDumpVersionPrefix.Length..]).Trim();
        }
    }

    /// <summary>
    /// A TABLE DATA entry whose data is not COPY text (a dump made with --inserts) is listed with an
    /// unknown row count, named from its TOC comment, so that both formats list the same tables.
    /// </summary>
    private void FlushPendingTableData()
    {
        if (_pendingTableData is { } t)
        {
            _pendingTableData = null;
            _tables.Add(new TableRowCount(t.Schema, t.Table, rows: null));
        }
    }

    /// <summary>Parses "-- Data for Name: t; Type: TABLE DATA; Schema: s; Owner: o" (names unquoted, newlines blanked).</summary>
    private static (string Schema, string Table)? ParseTableDataComment(ReadOnlySpan<byte> line)
    {
        var rest = line["-- Data for Name: "u8.Length..];
        int type = rest.IndexOf("; Type: TABLE DATA; Schema: "u8);
        if (type < 0)
        {
            return null;
        }

        var table = rest[..type];
        var schema = rest[(type + "; Type: TABLE DATA; Schema: "u8.Length)..];
        int owner = schema.IndexOf("; Owner: "u8);
        if (owner >= 0)
        {
            schema = schema[..owner];
        }

        return (Encoding.UTF8.GetString(schema), Encoding.UTF8.GetString(table));
    }

    private static string QualifiedName((string Schema, string Table) t) => t.Schema.Length == 0 ? t.Table : t.Schema + "." + t.Table;

    private (string Schema, string Table) ParseCopyTarget(ReadOnlySpan<byte> line) => CopyStatement.Target(line) ?? throw BadCopyLine();

    private BackupPsException BadCopyLine() =>
        DumpErrors.Create(
            DumpErrorIds.DumpStructureInvalid,
            $"Line {_itemLine.ToString(CultureInfo.InvariantCulture)} of the dump is a COPY statement whose table name cannot be read.");

    private static BackupPsException NotAPlainDump() =>
        DumpErrors.Create(
            DumpErrorIds.DumpNotPostgresArchive,
            $"The dump does not begin with the '{HeaderLine}' header, so it is not a pg_dump plain SQL dump.");

    private BackupPsException Truncated(string where) => DumpErrors.Truncated(where, _in.TotalRead);
}
