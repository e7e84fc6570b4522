using System.Globalization;
using System.Text;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Postgres;

/// <summary>
/// Reads a whole pg_dump plain SQL dump (<c>-Fp</c>) from a forward-only stream and proves it complete:
/// the header comment, every COPY block closed by its <c>\.</c> line (rows counted on the way), and the
/// "dump complete" trailer at the end. Lines are never materialised beyond a short prefix.
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

    // A statement line is classified from at most this many leading bytes.
    private const int MaxLinePrefix = 1 << 16;

    private readonly DumpInput _in;
    private readonly List<TableRowCount> _tables = new();

    private bool _headerSeen;
    private (string Schema, string Table)? _pendingTableData;
    private TrailerState _trailer;
    private string? _serverVersion;
    private string? _pgDumpVersion;
    private long _largeObjects;
    private long _lineNumber;

    internal PlainDumpParser(DumpInput input)
    {
        _in = input;
        _maxLinePrefix = Math.Min(MaxLinePrefix, input.Capacity / 2);
    }

    private readonly int _maxLinePrefix;

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

        while (ReadLine(out var line, out bool complete))
        {
            _lineNumber++;
            if (!complete)
            {
                throw Truncated("line " + _lineNumber.ToString(CultureInfo.InvariantCulture));
            }

            ProcessLine(line);
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

    private void ProcessLine(ReadOnlySpan<byte> line)
    {
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        if (!_headerSeen)
        {
            if (line.SequenceEqual("-- PostgreSQL database dump"u8))
            {
                _headerSeen = true;
                return;
            }

            if (line.IsEmpty || line.StartsWith("--"u8) || line.StartsWith("\\restrict"u8))
            {
                return;
            }

            throw DumpErrors.Create(
                DumpErrorIds.DumpNotPostgresArchive,
                $"The dump does not begin with the '{HeaderLine}' header, so it is not a pg_dump plain SQL dump.");
        }

        if (line.IsEmpty)
        {
            return;
        }

        if (line[0] == (byte)'-' && line.StartsWith("--"u8))
        {
            ProcessComment(line);
            return;
        }

        if (line[0] == (byte)'\\' && line.StartsWith("\\unrestrict"u8))
        {
            // Since the August 2025 minor releases pg_dump ends plain output with \unrestrict <key>,
            // after the trailer.
            return;
        }

        // Any statement after the trailer means the trailer was not the end of the dump.
        _trailer = TrailerState.None;

        if (line[0] == (byte)'C' && line.StartsWith("COPY "u8) && line.EndsWith(" FROM stdin;"u8))
        {
            var (schema, table) = ParseCopyTarget(line);
            _pendingTableData = null;
            long rows = ScanCopyData(schema, table);
            _tables.Add(new TableRowCount(schema, table, rows));
            return;
        }

        if (line[0] == (byte)'S' && line.StartsWith("SELECT pg_catalog.lo_open('"u8))
        {
            // The BLOBS data section opens each large object once to write its contents.
            _largeObjects++;
        }
    }

    private void ProcessComment(ReadOnlySpan<byte> line)
    {
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

    /// <summary>
    /// Returns the next line without its '\n'. <paramref name="complete"/> is false for a last line the
    /// stream cut off before its newline. Lines longer than <see cref="MaxLinePrefix"/> are returned as a
    /// prefix and the rest is skipped.
    /// </summary>
    private bool ReadLine(out ReadOnlySpan<byte> line, out bool complete)
    {
        int searched = 0;
        while (true)
        {
            var avail = _in.AvailableSpan;
            int nl = avail[searched..].IndexOf((byte)'\n');
            if (nl >= 0)
            {
                nl += searched;
                line = new ReadOnlySpan<byte>(_in.Buffer, _in.Pos, nl);
                _in.Pos += nl + 1;
                complete = true;
                return true;
            }

            searched = avail.Length;

            // A COPY statement is kept whole (its table name is at its start, its column list can be
            // long); any other line is classified from its prefix once it outgrows the limit.
            if (avail.Length >= _maxLinePrefix && (avail.Length >= _in.Capacity || !avail.StartsWith("COPY "u8)))
            {
                return ReadLongLine(out line, out complete);
            }

            if (_in.Fill() == 0)
            {
                if (_in.Available == 0)
                {
                    line = default;
                    complete = true;
                    return false;
                }

                line = _in.AvailableSpan;
                _in.Pos = _in.End;
                complete = false;
                return true;
            }
        }
    }

    private bool ReadLongLine(out ReadOnlySpan<byte> line, out bool complete)
    {
        // Classify the line by its prefix, then skip the rest without keeping it.
        var prefix = _in.AvailableSpan[.._maxLinePrefix];
        if (prefix.StartsWith("COPY "u8))
        {
            throw DumpErrors.Create(
                DumpErrorIds.DumpStructureInvalid,
                $"Line {_lineNumber + 1} of the dump starts a COPY statement longer than {_in.Capacity} bytes, which pg_dump does not write.");
        }

        // Keep a short prefix for classification; statements of interest are short lines.
        _longLinePrefix ??= new byte[Math.Min(256, _maxLinePrefix)];
        prefix[.._longLinePrefix.Length].CopyTo(_longLinePrefix);
        _in.Pos += _maxLinePrefix;
        while (true)
        {
            var avail = _in.AvailableSpan;
            int nl = avail.IndexOf((byte)'\n');
            if (nl >= 0)
            {
                _in.Pos += nl + 1;
                complete = true;
                break;
            }

            _in.Pos = _in.End;
            if (_in.Fill() == 0)
            {
                complete = false;
                break;
            }
        }

        line = _longLinePrefix;
        return true;
    }

    private byte[]? _longLinePrefix;

    /// <summary>
    /// Counts the COPY data rows (one '\n' each; COPY text escapes newlines inside values) up to the
    /// line that is exactly <c>\.</c>. A "\." inside a value is written as "\\." so it never matches.
    /// </summary>
    private long ScanCopyData(string schema, string table)
    {
        long rows = 0;
        bool atLineStart = true;
        var input = _in;
        while (true)
        {
            var span = input.AvailableSpan;
            int search = 0;
            while (true)
            {
                int rel = span[search..].IndexOf("\\."u8);
                if (rel < 0)
                {
                    break;
                }

                int idx = search + rel;
                bool lineStart = idx == 0 ? atLineStart : span[idx - 1] == (byte)'\n';
                if (lineStart)
                {
                    int after = idx + 2;
                    int end = -1;
                    bool needMore = false;
                    if (after < span.Length)
                    {
                        if (span[after] == (byte)'\n')
                        {
                            end = after + 1;
                        }
                        else if (span[after] == (byte)'\r')
                        {
                            if (after + 1 < span.Length)
                            {
                                if (span[after + 1] == (byte)'\n')
                                {
                                    end = after + 2;
                                }
                            }
                            else
                            {
                                needMore = true;
                            }
                        }
                    }
                    else
                    {
                        needMore = true;
                    }

                    if (end >= 0)
                    {
                        rows += span[..idx].Count((byte)'\n');
                        input.Pos += end;
                        _lineNumber += rows + 1;
                        return rows;
                    }

                    if (needMore && !input.StreamEnded)
                    {
                        // Consume everything before the candidate and look again with more bytes.
                        rows += span[..idx].Count((byte)'\n');
                        if (idx > 0)
                        {
                            atLineStart = span[idx - 1] == (byte)'\n';
                        }

                        input.Pos += idx;
                        goto Refill;
                    }
                }

                search = idx + 1;
            }

            // No terminator here: consume all but the last byte, which may begin "\." split across reads.
            if (span.Length > 1)
            {
                int take = span.Length - 1;
                rows += span[..take].Count((byte)'\n');
                atLineStart = span[take - 1] == (byte)'\n';
                input.Pos += take;
            }

        Refill:
            if (input.Fill() == 0)
            {
                string name = schema.Length == 0 ? table : schema + "." + table;
                throw Truncated("the data for table " + name);
            }
        }
    }

    /// <summary>Parses the table of <c>COPY schema.table (cols) FROM stdin;</c>, removing identifier quotes.</summary>
    private (string Schema, string Table) ParseCopyTarget(ReadOnlySpan<byte> line)
    {
        var rest = line["COPY "u8.Length..];
        string first = ParseIdentifier(ref rest);
        string? second = null;
        if (!rest.IsEmpty && rest[0] == (byte)'.')
        {
            rest = rest[1..];
            second = ParseIdentifier(ref rest);
        }

        // What is left must be " (column list) FROM stdin;" or "  FROM stdin;" (no columns).
        var tailPart = rest[..^" FROM stdin;"u8.Length].Trim((byte)' ');
        if (!tailPart.IsEmpty && (tailPart[0] != (byte)'(' || tailPart[^1] != (byte)')'))
        {
            throw BadCopyLine();
        }

        return second is null ? (string.Empty, first) : (first, second);
    }

    private string ParseIdentifier(ref ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty)
        {
            throw BadCopyLine();
        }

        if (s[0] == (byte)'"')
        {
            var buffer = new List<byte>();
            int i = 1;
            while (true)
            {
                if (i >= s.Length)
                {
                    throw BadCopyLine();
                }

                if (s[i] == (byte)'"')
                {
                    if (i + 1 < s.Length && s[i + 1] == (byte)'"')
                    {
                        buffer.Add((byte)'"');
                        i += 2;
                        continue;
                    }

                    i++;
                    break;
                }

                buffer.Add(s[i]);
                i++;
            }

            s = s[i..];
            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        int end = s.IndexOfAny((byte)'.', (byte)' ', (byte)'(');
        if (end == 0)
        {
            throw BadCopyLine();
        }

        if (end < 0)
        {
            end = s.Length;
        }

        string name = Encoding.UTF8.GetString(s[..end]);
        s = s[end..];
        return name;
    }

    private BackupPsException BadCopyLine() =>
        DumpErrors.Create(
            DumpErrorIds.DumpStructureInvalid,
            $"Line {_lineNumber.ToString(CultureInfo.InvariantCulture)} of the dump is a COPY statement whose table name cannot be read.");

    private BackupPsException Truncated(string where) => DumpErrors.Truncated(where, _in.TotalRead);
}
