using System.IO.Compression;
using System.Text;

namespace BackupPs.Tests.Postgres;

/// <summary>
/// Writes small custom-format archives for tests, following the layout pg_dump writes
/// (WriteHead, WriteToc, _WriteExtraToc, _StartData/_WriteData/_EndData, _StartLOs/_EndLOs).
/// </summary>
internal sealed class ArchiveBuilder
{
    internal sealed class Entry
    {
        public int DumpId;
        public string Desc = "TABLE";
        public string Tag = "t";
        public string? Namespace = "public";
        public bool HasData;
        public string? CopyStmt;
        public int DataState; // 0 = derive from HasData (1 or 3)
        public long DataPos;
        public int Section = 2;
    }

    private readonly MemoryStream _out = new();

    internal int Major { get; init; } = 1;

    internal int Minor { get; init; } = 14;

    internal int Rev { get; init; }

    internal int IntSize { get; init; } = 4;

    internal int OffSize { get; init; } = 8;

    internal int CompressionLevel { get; init; }

    internal int CompressionAlgorithm { get; init; }

    internal int Version => (((Major * 256) + Minor) * 256) + Rev;

    internal long Position => _out.Position;

    internal byte[] ToArray() => _out.ToArray();

    internal void WriteByte(int b) => _out.WriteByte((byte)b);

    internal void WriteBytes(ReadOnlySpan<byte> bytes) => _out.Write(bytes);

    internal void WriteInt(long value)
    {
        WriteByte(value < 0 ? 1 : 0);
        ulong v = (ulong)Math.Abs(value);
        for (int i = 0; i < IntSize; i++)
        {
            WriteByte((int)(v & 0xFF));
            v >>= 8;
        }
    }

    internal void WriteStr(string? s)
    {
        if (s is null)
        {
            WriteInt(-1);
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(s);
        WriteInt(bytes.Length);
        WriteBytes(bytes);
    }

    internal ArchiveBuilder Header(string dbName = "testdb", string server = "17.2", string dumper = "17.2")
    {
        WriteBytes("PGDMP"u8);
        WriteByte(Major);
        WriteByte(Minor);
        WriteByte(Rev);
        WriteByte(IntSize);
        WriteByte(OffSize);
        WriteByte(1);
        if (Version >= ((1 * 256) + 15) * 256)
        {
            WriteByte(CompressionAlgorithm);
        }
        else
        {
            WriteInt(CompressionLevel);
        }

        foreach (int v in new[] { 5, 4, 3, 2, 1, 124, 0 })
        {
            WriteInt(v);
        }

        WriteStr(dbName);
        WriteStr(server);
        WriteStr(dumper);
        return this;
    }

    internal ArchiveBuilder Toc(params Entry[] entries)
    {
        WriteInt(entries.Length);
        foreach (var e in entries)
        {
            WriteInt(e.DumpId);
            WriteInt(e.HasData ? 1 : 0);
            WriteStr("0");
            WriteStr("0");
            WriteStr(e.Tag);
            WriteStr(e.Desc);
            WriteInt(e.Section);
            WriteStr(string.Empty);
            WriteStr(string.Empty);
            WriteStr(e.CopyStmt);
            WriteStr(e.Namespace);
            WriteStr(string.Empty);
            WriteStr(e.Desc == "TABLE" ? "heap" : null);
            if (Version >= ((1 * 256) + 16) * 256)
            {
                WriteInt(e.Desc == "TABLE" ? 'r' : 0);
            }

            WriteStr("postgres");
            WriteStr("false");
            WriteStr("1");
            WriteStr(null);
            int state = e.DataState != 0 ? e.DataState : e.HasData ? 1 : 3;
            WriteByte(state);
            long pos = e.DataPos;
            for (int i = 0; i < OffSize; i++)
            {
                WriteByte((int)(pos & 0xFF));
                pos >>= 8;
            }
        }

        return this;
    }

    internal static Entry TableData(int dumpId, string table, string schema = "public") => new()
    {
        DumpId = dumpId,
        Desc = "TABLE DATA",
        Tag = table,
        Namespace = schema,
        HasData = true,
        CopyStmt = $"COPY {schema}.{table} (a) FROM stdin;\n",
        Section = 3,
    };

    internal static Entry Schema(int dumpId, string name = "public") => new()
    {
        DumpId = dumpId,
        Desc = "SCHEMA",
        Tag = name,
        Namespace = null,
    };

    internal static Entry Blobs(int dumpId) => new()
    {
        DumpId = dumpId,
        Desc = "BLOBS",
        Tag = "BLOBS",
        Namespace = null,
        HasData = true,
        Section = 3,
    };

    /// <summary>A data block carrying <paramref name="payload"/> in chunks of at most <paramref name="chunk"/> bytes.</summary>
    internal ArchiveBuilder DataBlock(int dumpId, byte[] payload, int chunk = 1000, bool compress = false)
    {
        WriteByte(1);
        WriteInt(dumpId);
        WriteChunks(compress ? Zlib(payload) : payload, chunk);
        return this;
    }

    internal ArchiveBuilder RawChunks(byte[] raw, int chunk = 1000)
    {
        WriteChunks(raw, chunk);
        return this;
    }

    internal ArchiveBuilder BlobsBlock(int dumpId, bool compress, params byte[][] objects)
    {
        WriteByte(3);
        WriteInt(dumpId);
        int oid = 16400;
        foreach (var o in objects)
        {
            WriteInt(oid++);
            WriteChunks(compress ? Zlib(o) : o, 1000);
        }

        WriteInt(0);
        return this;
    }

    private void WriteChunks(byte[] data, int chunk)
    {
        for (int i = 0; i < data.Length; i += chunk)
        {
            int n = Math.Min(chunk, data.Length - i);
            WriteInt(n);
            WriteBytes(data.AsSpan(i, n));
        }

        WriteInt(0);
    }

    internal static byte[] Zlib(byte[] data)
    {
        if (data.Length == 0)
        {
            // What deflate() with Z_FINISH emits for no input; .NET writes nothing at all in that case.
            return new byte[] { 0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 };
        }

        var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(data);
        }

        return ms.ToArray();
    }

    /// <summary>COPY text for <paramref name="rows"/> rows, ending with the "\.\n\n\n" pg_dump appends.</summary>
    internal static byte[] CopyData(int rows, string value = "x")
    {
        var sb = new StringBuilder();
        for (int i = 0; i < rows; i++)
        {
            sb.Append(i).Append('\t').Append(value).Append('\n');
        }

        sb.Append("\\.\n\n\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }
}
