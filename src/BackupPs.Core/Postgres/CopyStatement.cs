using System.Text;

namespace BackupPs.Core.Postgres;

/// <summary>The <c>COPY schema.table (columns) FROM stdin;</c> statements pg_dump writes before table data.</summary>
internal static class CopyStatement
{
    /// <summary>
    /// The table a COPY statement loads, identifier quotes removed ("a""b" is a"b), or null when the
    /// statement is not one pg_dump writes. It is the table the rows are counted for: pg_dump names the
    /// partitioned root instead of the partition when it loads via the root (--load-via-partition-root,
    /// and always for hash partitions on an enum column, whose hash differs between databases), and the
    /// rows are then spread over the partitions anew.
    /// </summary>
    public static (string Schema, string Table)? Target(ReadOnlySpan<byte> statement)
    {
        statement = statement.TrimEnd("\r\n"u8);
        if (!statement.StartsWith("COPY "u8) || !statement.EndsWith(" FROM stdin;"u8))
        {
            return null;
        }

        var rest = statement["COPY "u8.Length..^" FROM stdin;"u8.Length];
        if (Identifier(ref rest) is not { } first)
        {
            return null;
        }

        string? second = null;
        if (!rest.IsEmpty && rest[0] == (byte)'.')
        {
            rest = rest[1..];
            second = Identifier(ref rest);
            if (second is null)
            {
                return null;
            }
        }

        // What is left must be " (column list)" or nothing.
        var columns = rest.Trim((byte)' ');
        if (!columns.IsEmpty && (columns[0] != (byte)'(' || columns[^1] != (byte)')'))
        {
            return null;
        }

        return second is null ? (string.Empty, first) : (first, second);
    }

    /// <inheritdoc cref="Target(ReadOnlySpan{byte})"/>
    public static (string Schema, string Table)? Target(string statement) => Target(Encoding.UTF8.GetBytes(statement));

    private static string? Identifier(ref ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty)
        {
            return null;
        }

        if (s[0] != (byte)'"')
        {
            int end = s.IndexOfAny((byte)'.', (byte)' ', (byte)'(');
            if (end == 0)
            {
                return null;
            }

            end = end < 0 ? s.Length : end;
            var name = Encoding.UTF8.GetString(s[..end]);
            s = s[end..];
            return name;
        }

        var buffer = new List<byte>();
        for (int i = 1; i < s.Length; i++)
        {
            if (s[i] != (byte)'"')
            {
                buffer.Add(s[i]);
            }
            else if (i + 1 < s.Length && s[i + 1] == (byte)'"')
            {
                buffer.Add((byte)'"');
                i++;
            }
            else
            {
                s = s[(i + 1)..];
                return Encoding.UTF8.GetString(buffer.ToArray());
            }
        }

        return null;
    }
}
