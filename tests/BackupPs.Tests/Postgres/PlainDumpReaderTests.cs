using System.Text;
using System.Text.Json;
using BackupPs.Core.Postgres;
using Xunit;

namespace BackupPs.Tests.Postgres;

public class PlainDumpReaderTests
{
    private static DumpInspection Read(byte[] bytes) => PlainDumpReader.Read(new MemoryStream(bytes, writable: false));

    private static DumpInspection Read(string text) => Read(Encoding.UTF8.GetBytes(text));

    private static string Fixture => Encoding.UTF8.GetString(DumpFixtures.Bytes(DumpFixtures.Plain));

    private const string Header =
        "--\n-- PostgreSQL database dump\n--\n\n-- Dumped from database version 17.2\n-- Dumped by pg_dump version 17.2\n\nSET statement_timeout = 0;\n\n";

    private const string Trailer = "--\n-- PostgreSQL database dump complete\n--\n\n";

    [Fact]
    public void RealPg15PlainDumpIsReadCompletely()
    {
        var bytes = DumpFixtures.Bytes(DumpFixtures.Plain);
        var inspection = Read(bytes);
        Assert.Equal(DumpFormat.Plain, inspection.Format);
        Assert.Null(inspection.ArchiveVersion);
        Assert.Null(inspection.DatabaseName);
        Assert.Equal(DumpFixtures.ServerVersion, inspection.ServerVersion);
        Assert.Equal(DumpFixtures.ServerVersion, inspection.PgDumpVersion);
        Assert.Equal(8, inspection.TableDataEntries);
        DumpFixtures.AssertTables(inspection);
        Assert.Equal(DumpFixtures.LargeObjects, inspection.LargeObjects);
        Assert.Equal(DumpCompression.None, inspection.Compression);
        Assert.Null(inspection.CompressionLevel);
        Assert.Equal(bytes.Length, inspection.TotalBytes);
    }

    [Fact]
    public void RealPg17PlainDumpIsReadCompletely()
    {
        var bytes = DumpFixtures.Bytes(DumpFixtures.Pg17Plain);
        var inspection = Read(bytes);
        Assert.Equal(DumpFixtures.Pg17ServerVersion, inspection.ServerVersion);
        Assert.Equal(DumpFixtures.Pg17ServerVersion, inspection.PgDumpVersion);
        DumpFixtures.AssertTables(inspection);
        Assert.Equal(DumpFixtures.LargeObjects, inspection.LargeObjects);
        Assert.Equal(bytes.Length, inspection.TotalBytes);
    }

    [Theory]
    [InlineData(256)]
    [InlineData(300)]
    [InlineData(1000)]
    [InlineData(4096)]
    public void TinyBuffersAndTrickledReadsGiveTheSameResult(int bufferSize)
    {
        var bytes = DumpFixtures.Bytes(DumpFixtures.Plain);
        using var input = new DumpInput(new TrickleStream(bytes, bufferSize, maxChunk: 5), CancellationToken.None, bufferSize);
        var inspection = PlainDumpReader.Read(input);
        DumpFixtures.AssertTables(inspection);
        Assert.Equal(DumpFixtures.LargeObjects, inspection.LargeObjects);
        Assert.Equal(bytes.Length, inspection.TotalBytes);
    }

    [Fact]
    public void FixtureHasRestrictLines()
    {
        var text = Fixture;
        Assert.Contains("\n\\restrict ", text);
        Assert.Matches(@"-- PostgreSQL database dump complete\n--\n\n\\unrestrict \w+\n\n$", text);
    }

    [Fact]
    public void RestrictFirstLineAndUnrestrictAfterTrailerAreAccepted()
    {
        var text = "\\restrict abc123\n\n" + Header + "COPY public.t (a) FROM stdin;\n1\n2\n\\.\n\n\n" + Trailer + "\\unrestrict abc123\n\n";
        var inspection = Read(text);
        Assert.Equal(2, inspection.Tables.Single().Rows);
        Assert.Equal("17.2", inspection.ServerVersion);
        Assert.Equal(DumpFormat.Plain, DumpInspector.Read(new MemoryStream(Encoding.UTF8.GetBytes(text))).Format);
    }

    [Fact]
    public void DumpWithoutRestrictLinesIsAccepted()
    {
        var inspection = Read(Header + "COPY public.t (a) FROM stdin;\n\\.\n\n\n" + Trailer);
        Assert.Equal(0, inspection.Tables.Single().Rows);
    }

    [Fact]
    public void CutTrailerIsIncomplete()
    {
        var text = Fixture;
        int trailer = text.IndexOf("--\n-- PostgreSQL database dump complete", StringComparison.Ordinal);
        var e = DumpFixtures.AssertFails(() => Read(text[..trailer]), Core.Postgres.DumpErrorIds.DumpIncomplete);
        Assert.Contains("dump complete", e.Message);
    }

    [Fact]
    public void StatementsAfterTheTrailerMeanItIsNotTheEnd()
    {
        var text = Header + Trailer + "SELECT 1;\n";
        DumpFixtures.AssertFails(() => Read(text), DumpErrorIds.DumpIncomplete);
    }

    [Theory]
    [InlineData(DumpFixtures.Plain)]
    [InlineData(DumpFixtures.Pg17Plain)]
    public void EveryTruncationBeforeTheTrailerIsDetected(string fixture)
    {
        var bytes = DumpFixtures.Bytes(fixture);
        int trailerEnd = bytes.AsSpan().IndexOf("-- PostgreSQL database dump complete\n--\n"u8) + "-- PostgreSQL database dump complete\n--\n".Length;
        // Every cut in the first 8 KB (header, SET lines, DDL), then a dense sample through the data.
        for (int cut = 1; cut < trailerEnd; cut += cut < 8192 || cut > trailerEnd - 512 ? 1 : 3)
        {
            DumpFixtures.AssertFails(
                () => Read(bytes.AsSpan(0, cut).ToArray()),
                DumpErrorIds.DumpTruncated,
                DumpErrorIds.DumpIncomplete);
        }
    }

    [Fact]
    public void TruncationInsideCopyDataNamesTheTable()
    {
        var bytes = DumpFixtures.Bytes(DumpFixtures.Plain);
        int at = bytes.AsSpan().IndexOf("COPY inventory.\"Order Items\""u8);
        int cut = at + 200;
        var e = DumpFixtures.AssertFails(() => Read(bytes.AsSpan(0, cut).ToArray()), DumpErrorIds.DumpTruncated);
        Assert.Equal($"The dump ends in the middle of the data for table inventory.Order Items (byte {cut}): the file is truncated.", e.Message);
    }

    [Fact]
    public void EscapedTerminatorInsideDataDoesNotEndTheCopy()
    {
        var text = Header + "COPY public.t (v) FROM stdin;\n\\\\.\nx\\.y\n\\\\.\\n\\\\.\n\\.x\n\\.\n\n\n" + Trailer;
        Assert.Equal(4, Read(text).Tables.Single().Rows);
    }

    [Fact]
    public void QuotedIdentifiersAreUnquoted()
    {
        var text = Header +
            "COPY \"My Schema\".\"Order \"\"Items\"\"\" (id, \"Item Name\") FROM stdin;\n1\ta\n\\.\n\n\n" +
            "COPY public.nocols  FROM stdin;\n\n\n\\.\n\n\n" +
            "COPY plain_name (a) FROM stdin;\n\\.\n\n\n" +
            "COPY \"日本\".\"表\" (a) FROM stdin;\n1\n\\.\n\n\n" +
            Trailer;
        var tables = Read(text).Tables.Select(t => (t.Schema, t.Table, t.Rows)).ToArray();
        Assert.Equal(
            new (string, string, long?)[]
            {
                ("My Schema", "Order \"Items\"", 1),
                ("public", "nocols", 2),
                (string.Empty, "plain_name", 0),
                ("日本", "表", 1),
            },
            tables);
    }

    /// <summary>
    /// The dump is read as psql reads it: a COPY statement and data inside a function body or a string
    /// are not table data, and quoted table names may hold newlines and quotes. Read at every cut.
    /// </summary>
    [Fact]
    public void OnlyTopLevelCopyStatementsAreTableData()
    {
        var text = Header +
            "CREATE FUNCTION public.f() RETURNS void\n    LANGUAGE plpgsql\n    AS $_$\nBEGIN\nCOPY public.fake (a) FROM stdin;\n1\n\\.\nEND $_$;\n\n" +
            "CREATE TABLE public.t (v text DEFAULT '\nCOPY public.fake2 (a) FROM stdin;\n');\n\n" +
            "-- Data for Name: a b; Type: TABLE DATA; Schema: public; Owner: app\n\n" +
            "COPY public.\"a\nb\" (v) FROM stdin;\nCOPY public.fake3 (a) FROM stdin;\n2\n\\.\n\n\n" +
            "COPY \"q\"\"s\".\"x\"\"\n\"\"\" (\"c\nd\") FROM stdin;\n1\n\\.\n\n\n" +
            "/* COPY public.fake4 (a) FROM stdin; */\n" +
            Trailer;
        var bytes = Encoding.UTF8.GetBytes(text);
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            using var input = new DumpInput(new TwoPartStream(bytes, cut), CancellationToken.None, 64);
            var inspection = PlainDumpReader.Read(input);
            Assert.Equal(
                new (string, string, long?)[] { ("public", "a\nb", 2), ("q\"s", "x\"\n\"", 1) },
                inspection.Tables.Select(t => (t.Schema, t.Table, t.Rows)).ToArray());
        }
    }

    [Fact]
    public void AFunctionBodyOrCopyDataCutShortIsTruncated()
    {
        var text = Header + "CREATE FUNCTION public.f() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n" + Trailer;
        DumpFixtures.AssertFails(() => Read(text), DumpErrorIds.DumpTruncated);
        var e = DumpFixtures.AssertFails(() => Read(Header + "COPY public.t (a) FROM stdin;\n"), DumpErrorIds.DumpTruncated);
        Assert.Contains("the data for table public.t", e.Message);
    }

    /// <summary>Returns the first <c>cut</c> bytes, then the rest.</summary>
    private sealed class TwoPartStream(byte[] data, int cut) : MemoryStream(data, writable: false)
    {
        public override int Read(byte[] buffer, int offset, int count) =>
            base.Read(buffer, offset, Position < cut ? Math.Min(count, cut - (int)Position) : count);
    }

    [Fact]
    public void WindowsLineEndingsAreTolerated()
    {
        var text = (Header + "COPY public.t (a) FROM stdin;\n1\n2\n3\n\\.\n\n\n" + Trailer).Replace("\n", "\r\n");
        Assert.Equal(3, Read(text).Tables.Single().Rows);
    }

    [Fact]
    public void VeryLongLinesAreStreamed()
    {
        var big = new string('x', 3_000_000);
        var text = Header +
            "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $$ SELECT '" + big + "' $$;\n" +
            "COPY public.t (a) FROM stdin;\n" + big + "\n" + big + "\\\\.\n\\.\n\n\n" +
            "INSERT INTO public.t VALUES ('" + big + "');\n" +
            Trailer;
        var inspection = Read(text);
        Assert.Equal(2, inspection.Tables.Single().Rows);
    }

    [Fact]
    public void CopyWithAVeryLongColumnListIsRead()
    {
        var columns = string.Join(", ", Enumerable.Range(0, 1600).Select(i => $"\"column number {i} with a rather long name that pads the list\""));
        var text = Header + $"COPY public.wide ({columns}) FROM stdin;\n1\n2\n\\.\n\n\n" + Trailer;
        Assert.True(columns.Length > 65536);
        Assert.Equal(("public", "wide", (long?)2), Read(text).Tables.Select(t => (t.Schema, t.Table, t.Rows)).Single());
    }

    [Fact]
    public void NotAPlainDump()
    {
        DumpFixtures.AssertFails(() => Read("hello world\n"), DumpErrorIds.DumpNotPostgresArchive);
        DumpFixtures.AssertFails(() => Read("--\n-- something else\n--\n\nSELECT 1;\n"), DumpErrorIds.DumpNotPostgresArchive);
        var e = DumpFixtures.AssertFails(() => Read(DumpFixtures.Bytes(DumpFixtures.CustomZ0Pipe)), DumpErrorIds.DumpNotPostgresArchive);
        Assert.Contains("custom-format", e.Message);
        DumpFixtures.AssertFails(() => Read(Array.Empty<byte>()), DumpErrorIds.DumpEmpty);
        DumpFixtures.AssertFails(() => Read("-"), DumpErrorIds.DumpTruncated);
    }

    [Fact]
    public void RandomGarbageIsRejected()
    {
        var random = new Random(4242);
        for (int i = 0; i < 300; i++)
        {
            var bytes = new byte[random.Next(1, 5000)];
            random.NextBytes(bytes);
            if (i % 3 == 0)
            {
                "--"u8.CopyTo(bytes);
            }

            DumpFixtures.AssertFails(
                () => Read(bytes),
                DumpErrorIds.DumpNotPostgresArchive,
                DumpErrorIds.DumpTruncated,
                DumpErrorIds.DumpIncomplete);
        }
    }

    /// <summary>Two COPY blocks load the root (one per partition): the root gets their sum, as in a custom archive.</summary>
    [Fact]
    public void PartitionRootDumpCountsTheRootOnce()
    {
        var inspection = Read(DumpFixtures.Bytes(DumpFixtures.PlainPartitionRoot));
        Assert.Equal(2, inspection.TableDataEntries);
        Assert.Equal(
            new (string, string, long?)[] { ("public", "measurements", 501) },
            inspection.Tables.Select(t => (t.Schema, t.Table, t.Rows)).ToArray());
    }

    [Fact]
    public void InsertsDumpListsTablesWithUnknownRows()
    {
        var plain = Read(DumpFixtures.Bytes(DumpFixtures.PlainInserts));
        var custom = CustomArchiveReader.Read(new MemoryStream(DumpFixtures.Bytes(DumpFixtures.CustomInserts)));
        Assert.Equal(new (string, string, long?)[] { ("public", "one_col", null), ("public", "tricky", null) }, plain.Tables.Select(t => (t.Schema, t.Table, t.Rows)).ToArray());
        Assert.Equal(custom.Tables.Select(t => (t.Schema, t.Table, t.Rows)), plain.Tables.Select(t => (t.Schema, t.Table, t.Rows)));
        Assert.Equal(2, plain.TableDataEntries);
    }

    [Fact]
    public void TableRowCountRoundTripsThroughJson()
    {
        var original = new TableRowCount("inventory", "Order Items", 57);
        var json = JsonSerializer.Serialize(original);
        var back = JsonSerializer.Deserialize<TableRowCount>(json)!;
        Assert.Equal(("inventory", "Order Items", (long?)57), (back.Schema, back.Table, back.Rows));
        var unknown = JsonSerializer.Deserialize<TableRowCount>(JsonSerializer.Serialize(new TableRowCount("s", "t", null)))!;
        Assert.Null(unknown.Rows);
    }
}
