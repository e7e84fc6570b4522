using System.Text;
using BackupPs.Core.Errors;
using BackupPs.Core.Postgres;
using Xunit;
using static BackupPs.Tests.Postgres.ArchiveBuilder;

namespace BackupPs.Tests.Postgres;

public class CustomArchiveReaderTests
{
    private static DumpInspection Read(byte[] bytes) => CustomArchiveReader.Read(new MemoryStream(bytes, writable: false));

    private static DumpInspection ReadSmallBuffer(byte[] bytes, int bufferSize)
    {
        using var input = new DumpInput(new TrickleStream(bytes, bufferSize), CancellationToken.None, bufferSize);
        return CustomArchiveReader.Read(input);
    }

    [Theory]
    [InlineData(DumpFixtures.CustomZ0Pipe, DumpCompression.None, 0)]
    [InlineData(DumpFixtures.CustomZ0File, DumpCompression.None, 0)]
    [InlineData(DumpFixtures.CustomGzipPipe, DumpCompression.Gzip, -1)]
    [InlineData(DumpFixtures.CustomGzipFile, DumpCompression.Gzip, -1)]
    public void RealPg15ArchiveIsReadCompletely(string fixture, DumpCompression compression, int level)
    {
        var bytes = DumpFixtures.Bytes(fixture);
        var inspection = Read(bytes);

        Assert.Equal(DumpFormat.Custom, inspection.Format);
        Assert.Equal("1.14-0", inspection.ArchiveVersion);
        Assert.Equal(DumpFixtures.ServerVersion, inspection.ServerVersion);
        Assert.Equal(DumpFixtures.ServerVersion, inspection.PgDumpVersion);
        Assert.Equal("fixturedb", inspection.DatabaseName);
        Assert.Equal(38, inspection.TocEntries);
        Assert.Equal(8, inspection.TableDataEntries);
        DumpFixtures.AssertTables(inspection);
        Assert.Equal(DumpFixtures.Tables.Sum(t => t.Rows), inspection.TotalRows);
        Assert.Equal(DumpFixtures.LargeObjects, inspection.LargeObjects);
        Assert.Equal(compression, inspection.Compression);
        Assert.Equal(level, inspection.CompressionLevel);
        Assert.Equal(bytes.Length, inspection.TotalBytes);
    }

    [Theory]
    [InlineData(DumpFixtures.Pg17CustomZ0Pipe, DumpCompression.None)]
    [InlineData(DumpFixtures.Pg17CustomZ0File, DumpCompression.None)]
    [InlineData(DumpFixtures.Pg17CustomGzipPipe, DumpCompression.Gzip)]
    [InlineData(DumpFixtures.Pg17CustomGzip9File, DumpCompression.Gzip)]
    public void RealPg17ArchiveIsReadCompletely(string fixture, DumpCompression compression)
    {
        var bytes = DumpFixtures.Bytes(fixture);
        var inspection = Read(bytes);

        Assert.Equal(DumpFormat.Custom, inspection.Format);
        Assert.Equal("1.16-0", inspection.ArchiveVersion);
        Assert.Equal(DumpFixtures.Pg17ServerVersion, inspection.ServerVersion);
        Assert.Equal(DumpFixtures.Pg17ServerVersion, inspection.PgDumpVersion);
        Assert.Equal("fixturedb", inspection.DatabaseName);
        Assert.Equal(36, inspection.TocEntries); // pg_restore -l: "TOC Entries: 36" (one BLOB METADATA entry replaces three BLOB entries)
        Assert.Equal(8, inspection.TableDataEntries);
        DumpFixtures.AssertTables(inspection);
        Assert.Equal(DumpFixtures.LargeObjects, inspection.LargeObjects);
        Assert.Equal(compression, inspection.Compression);
        Assert.Null(inspection.CompressionLevel); // 1.15+ records only the algorithm
        Assert.Equal(bytes.Length, inspection.TotalBytes);
    }

    [Theory]
    [InlineData(DumpFixtures.Pg17CustomLz4, "lz4")]
    [InlineData(DumpFixtures.Pg17CustomZstd, "zstd")]
    public void RealLz4AndZstdArchivesCannotBeInspected(string fixture, string name)
    {
        var e = DumpFixtures.AssertFails(() => Read(DumpFixtures.Bytes(fixture)), DumpErrorIds.DumpCompressionUnsupported);
        Assert.Equal($"The dump's data blocks are {name}-compressed, so they cannot be inspected: dump with -Z0 or gzip compression to have the dump verified.", e.Message);
    }

    [Theory]
    [InlineData(DumpFixtures.Pg17CustomZ0File, 64)]
    [InlineData(DumpFixtures.Pg17CustomGzipPipe, 64)]
    [InlineData(DumpFixtures.CustomZ0Pipe, 64)]
    [InlineData(DumpFixtures.CustomZ0File, 97)]
    [InlineData(DumpFixtures.CustomGzipPipe, 64)]
    [InlineData(DumpFixtures.CustomGzipFile, 333)]
    [InlineData(DumpFixtures.CustomZ0Pipe, 4096)]
    public void TinyBuffersAndTrickledReadsGiveTheSameResult(string fixture, int bufferSize)
    {
        var bytes = DumpFixtures.Bytes(fixture);
        var inspection = ReadSmallBuffer(bytes, bufferSize);
        DumpFixtures.AssertTables(inspection);
        Assert.Equal(DumpFixtures.LargeObjects, inspection.LargeObjects);
        Assert.Equal(bytes.Length, inspection.TotalBytes);
    }

    [Fact]
    public void InsertsDumpHasNoRowCounts()
    {
        var inspection = Read(DumpFixtures.Bytes(DumpFixtures.CustomInserts));
        Assert.Equal(2, inspection.TableDataEntries);
        Assert.All(inspection.Tables, t => Assert.Null(t.Rows));
        Assert.Equal(new[] { "one_col", "tricky" }, inspection.Tables.Select(t => t.Table));
        Assert.Equal(0, inspection.TotalRows);
    }

    [Fact]
    public void SchemaOnlyDumpHasNoTables()
    {
        var inspection = Read(DumpFixtures.Bytes(DumpFixtures.CustomSchemaOnly));
        Assert.Equal(0, inspection.TableDataEntries);
        Assert.Empty(inspection.Tables);
        Assert.Equal(0, inspection.LargeObjects);
        Assert.True(inspection.TocEntries > 10);
    }

    /// <summary>Rows loaded through the partitioned root may land in other partitions: they are counted for the root, as in a plain dump.</summary>
    [Fact]
    public void PartitionsLoadedViaRootAreCountedForTheRoot()
    {
        var inspection = Read(DumpFixtures.Bytes(DumpFixtures.CustomPartitionRoot));
        Assert.Equal(2, inspection.TableDataEntries);
        Assert.Equal(
            new (string, string, long?)[] { ("public", "measurements", 501) },
            inspection.Tables.Select(t => (t.Schema, t.Table, t.Rows)).ToArray());
    }

    [Fact]
    public void EmptyStreamIsDumpEmpty()
    {
        DumpFixtures.AssertFails(() => Read(Array.Empty<byte>()), DumpErrorIds.DumpEmpty);
        DumpFixtures.AssertFails(() => DumpInspector.Read(new MemoryStream()), DumpErrorIds.DumpEmpty);
    }

    [Theory]
    [InlineData(DumpFixtures.CustomZ0Pipe)]
    [InlineData(DumpFixtures.CustomZ0File)]
    [InlineData(DumpFixtures.CustomGzipPipe)]
    [InlineData(DumpFixtures.CustomGzipFile)]
    [InlineData(DumpFixtures.CustomInserts)]
    [InlineData(DumpFixtures.Pg17CustomZ0Pipe)]
    [InlineData(DumpFixtures.Pg17CustomGzip9File)]
    public void EveryTruncationIsDetected(string fixture)
    {
        // Every cut point, header, TOC and data alike, must fail and never be accepted.
        var bytes = DumpFixtures.Bytes(fixture);
        for (int cut = 1; cut < bytes.Length; cut++)
        {
            var e = DumpFixtures.AssertFails(
                () => Read(bytes.AsSpan(0, cut).ToArray()),
                DumpErrorIds.DumpTruncated,
                DumpErrorIds.DumpStructureInvalid);
            if (e.ErrorId != DumpErrorIds.DumpTruncated)
            {
                Assert.Fail($"Cut at {cut} of {fixture} gave {e.ErrorId}: {e.Message}");
            }
        }
    }

    [Fact]
    public void TruncationMessageNamesTheTableAndOffset()
    {
        var bytes = DumpFixtures.Bytes(DumpFixtures.CustomZ0Pipe);
        int loans = IndexOf(bytes, "1\tborrower 1\t"u8);
        var e = DumpFixtures.AssertFails(() => Read(bytes.AsSpan(0, loans + 5).ToArray()), DumpErrorIds.DumpTruncated);
        Assert.Equal($"The dump ends in the middle of the data for table public.loans (byte {loans + 5}): the file is truncated.", e.Message);
    }

    [Fact]
    public void TruncationInsideTheTocNamesTheEntry()
    {
        var bytes = DumpFixtures.Bytes(DumpFixtures.Pg17CustomZ0Pipe);
        int at = IndexOf(bytes, "TABLE DATA"u8);
        var e = DumpFixtures.AssertFails(() => Read(bytes.AsSpan(0, at).ToArray()), DumpErrorIds.DumpTruncated);
        Assert.Matches(@"^The dump ends in the middle of TOC entry \d+ of 36 \(byte \d+\): the file is truncated\.$", e.Message);
    }

    [Fact]
    public void RandomGarbageIsRejected()
    {
        var random = new Random(12345);
        for (int i = 0; i < 500; i++)
        {
            var bytes = new byte[random.Next(1, 4000)];
            random.NextBytes(bytes);
            DumpFixtures.AssertFails(() => Read(bytes), DumpErrorIds.DumpNotPostgresArchive);
        }
    }

    [Fact]
    public void GarbageAfterTheMagicIsNeverAccepted()
    {
        var random = new Random(777);
        for (int i = 0; i < 3000; i++)
        {
            var bytes = new byte[random.Next(5, 3000)];
            random.NextBytes(bytes);
            "PGDMP"u8.CopyTo(bytes);
            if (i % 2 == 0 && bytes.Length > 12)
            {
                // A plausible header start makes the parser go deeper before it finds the garbage.
                new byte[] { 1, 14, 0, 4, 8, 1 }.CopyTo(bytes, 5);
            }

            DumpFixtures.AssertFails(
                () => Read(bytes),
                DumpErrorIds.DumpTruncated,
                DumpErrorIds.DumpStructureInvalid,
                DumpErrorIds.DumpVersionUnsupported,
                DumpErrorIds.DumpNotPostgresArchive,
                DumpErrorIds.DumpCompressionUnsupported);
        }
    }

    [Theory]
    [InlineData(DumpFixtures.CustomZ0File)]
    [InlineData(DumpFixtures.CustomGzipPipe)]
    public void FlippedBytesNeverCrashTheReader(string fixture)
    {
        // A flipped byte inside COPY text can go unnoticed (nothing checksums it), but anything the
        // reader reports must be one of its own InvalidData errors, never a crash.
        var original = DumpFixtures.Bytes(fixture);
        var random = new Random(99);
        for (int i = 0; i < 3000; i++)
        {
            var bytes = (byte[])original.Clone();
            int at = random.Next(bytes.Length);
            bytes[at] ^= (byte)random.Next(1, 256);
            try
            {
                Read(bytes);
            }
            catch (BackupPsException e)
            {
                Assert.Equal(FailureCategory.InvalidData, e.Category);
                Assert.StartsWith("Dump", e.ErrorId);
            }
        }
    }

    [Fact]
    public void PlainDumpGivenToTheCustomReaderIsNotAnArchive()
    {
        var e = DumpFixtures.AssertFails(() => Read(DumpFixtures.Bytes(DumpFixtures.Plain)), DumpErrorIds.DumpNotPostgresArchive);
        Assert.Contains("plain SQL dump", e.Message);
    }

    // ------------------------------------------------------------ synthetic archives

    private static ArchiveBuilder Basic(int minor = 14, int level = 0, int algorithm = 0) =>
        new() { Minor = minor, CompressionLevel = level, CompressionAlgorithm = algorithm };

    [Theory]
    [InlineData(14)]
    [InlineData(15)]
    [InlineData(16)]
    public void SyntheticArchivesOfEachVersionAreRead(int minor)
    {
        var b = Basic(minor).Header();
        b.Toc(Schema(1), TableData(10, "a"), TableData(11, "b"), Blobs(12), TableData(13, "c"));
        b.DataBlock(10, CopyData(3)).DataBlock(11, CopyData(0)).BlobsBlock(12, false, new byte[10], Array.Empty<byte>()).DataBlock(13, CopyData(1000), chunk: 7);
        var inspection = Read(b.ToArray());
        Assert.Equal($"1.{minor}-0", inspection.ArchiveVersion);
        Assert.Equal("17.2", inspection.ServerVersion);
        Assert.Equal(new long?[] { 3, 0, 1000 }, inspection.Tables.Select(t => t.Rows));
        Assert.Equal(2, inspection.LargeObjects);
        Assert.Null(minor >= 15 ? inspection.CompressionLevel : null);
    }

    [Fact]
    public void SeveralBlobsEntriesAsInPg17AreAllCounted()
    {
        var b = Basic(16).Header();
        b.Toc(Blobs(20), Blobs(21), TableData(22, "t"));
        b.BlobsBlock(20, false, new byte[1], new byte[2], new byte[3]).BlobsBlock(21, false, new byte[4]).DataBlock(22, CopyData(5));
        Assert.Equal(4, Read(b.ToArray()).LargeObjects);
    }

    [Theory]
    [InlineData(14, 6, 0)]
    [InlineData(14, -1, 0)]
    [InlineData(15, 0, 1)]
    [InlineData(16, 0, 1)]
    public void ZlibCompressedBlocksAreInflatedAndCounted(int minor, int level, int algorithm)
    {
        var b = Basic(minor, level, algorithm).Header();
        b.Toc(TableData(10, "a"), Blobs(11), TableData(12, "b"));
        b.DataBlock(10, CopyData(12345, "日本語\\t"), chunk: 4096, compress: true)
            .BlobsBlock(11, true, Encoding.UTF8.GetBytes("hello"), Array.Empty<byte>())
            .DataBlock(12, CopyData(0), compress: true);
        var inspection = Read(b.ToArray());
        Assert.Equal(DumpCompression.Gzip, inspection.Compression);
        Assert.Equal(new long?[] { 12345, 0 }, inspection.Tables.Select(t => t.Rows));
        Assert.Equal(2, inspection.LargeObjects);
    }

    [Theory]
    [InlineData(2, "lz4")]
    [InlineData(3, "zstd")]
    public void Lz4AndZstdArchivesCannotBeInspected(int algorithm, string name)
    {
        var b = Basic(15, algorithm: algorithm).Header();
        b.Toc(TableData(10, "a"));
        var e = DumpFixtures.AssertFails(() => Read(b.ToArray()), DumpErrorIds.DumpCompressionUnsupported);
        Assert.Contains(name, e.Message);
        Assert.Contains("cannot be inspected", e.Message);
    }

    [Fact]
    public void NewerArchiveVersionIsUnsupported()
    {
        var b = new ArchiveBuilder { Minor = 17 }.Header();
        DumpFixtures.AssertFails(() => Read(b.ToArray()), DumpErrorIds.DumpVersionUnsupported);
    }

    [Fact]
    public void MissingBlockInTheMiddleIsIncomplete()
    {
        var b = Basic().Header();
        b.Toc(TableData(10, "a"), TableData(11, "b"), TableData(12, "c"));
        b.DataBlock(10, CopyData(1)).DataBlock(12, CopyData(1));
        var e = DumpFixtures.AssertFails(() => Read(b.ToArray()), DumpErrorIds.DumpIncomplete);
        Assert.Contains("public.b", e.Message);
    }

    [Fact]
    public void MissingBlocksAtTheEndAreTruncation()
    {
        var b = Basic().Header();
        b.Toc(TableData(10, "a"), TableData(11, "b"), TableData(12, "c"));
        b.DataBlock(10, CopyData(1));
        var e = DumpFixtures.AssertFails(() => Read(b.ToArray()), DumpErrorIds.DumpTruncated);
        Assert.Contains("public.b and 1 more", e.Message);
    }

    [Fact]
    public void DuplicateBlockIsInvalid()
    {
        var b = Basic().Header();
        b.Toc(TableData(10, "a"));
        b.DataBlock(10, CopyData(1)).DataBlock(10, CopyData(1));
        DumpFixtures.AssertFails(() => Read(b.ToArray()), DumpErrorIds.DumpStructureInvalid);
    }

    [Fact]
    public void BlockForUnknownOrDatalessEntryIsInvalid()
    {
        var b = Basic().Header();
        b.Toc(Schema(1), TableData(10, "a"));
        b.DataBlock(10, CopyData(1)).DataBlock(99, CopyData(1));
        DumpFixtures.AssertFails(() => Read(b.ToArray()), DumpErrorIds.DumpStructureInvalid);

        var c = Basic().Header();
        c.Toc(Schema(1), TableData(10, "a"));
        c.DataBlock(1, CopyData(1)).DataBlock(10, CopyData(1));
        DumpFixtures.AssertFails(() => Read(c.ToArray()), DumpErrorIds.DumpStructureInvalid);
    }

    [Theory]
    [InlineData(new byte[] { 0 })]
    [InlineData(new byte[] { 7, 1, 2 })]
    [InlineData(new byte[] { 0x0A })]
    public void BytesAfterTheLastBlockAreInvalid(byte[] trailing)
    {
        var b = Basic().Header();
        b.Toc(TableData(10, "a"));
        b.DataBlock(10, CopyData(2));
        b.WriteBytes(trailing);
        DumpFixtures.AssertFails(() => Read(b.ToArray()), DumpErrorIds.DumpStructureInvalid);
    }

    [Fact]
    public void PartialBlockHeaderAfterTheLastBlockIsTruncation()
    {
        var b = Basic().Header();
        b.Toc(TableData(10, "a"));
        b.DataBlock(10, CopyData(2));
        b.WriteBytes(new byte[] { 1, 0, 11 });
        DumpFixtures.AssertFails(() => Read(b.ToArray()), DumpErrorIds.DumpTruncated);
    }

    [Fact]
    public void CopyDataWithoutTerminatorIsInvalid()
    {
        var b = Basic().Header();
        b.Toc(TableData(10, "a"));
        b.DataBlock(10, Encoding.UTF8.GetBytes("1\tx\n2\ty\n"));
        var e = DumpFixtures.AssertFails(() => Read(b.ToArray()), DumpErrorIds.DumpStructureInvalid);
        Assert.Contains("COPY terminator", e.Message);
    }

    [Fact]
    public void TerminatorMustBeOnItsOwnLine()
    {
        var b = Basic().Header();
        b.Toc(TableData(10, "a"));
        b.DataBlock(10, Encoding.UTF8.GetBytes("1\tx\\.\n\n\n"));
        DumpFixtures.AssertFails(() => Read(b.ToArray()), DumpErrorIds.DumpStructureInvalid);
    }

    [Fact]
    public void WrongDataOffsetInTocIsInvalid()
    {
        var probe = Basic().Header();
        var entry = TableData(10, "a");
        entry.DataState = 2;
        probe.Toc(entry);
        long blockStart = probe.Position;

        var good = Basic().Header();
        var e1 = TableData(10, "a");
        e1.DataState = 2;
        e1.DataPos = blockStart;
        good.Toc(e1).DataBlock(10, CopyData(4));
        Assert.Equal(4, Read(good.ToArray()).Tables.Single().Rows);

        var bad = Basic().Header();
        var e2 = TableData(10, "a");
        e2.DataState = 2;
        e2.DataPos = blockStart + 1;
        bad.Toc(e2).DataBlock(10, CopyData(4));
        DumpFixtures.AssertFails(() => Read(bad.ToArray()), DumpErrorIds.DumpStructureInvalid);
    }

    [Fact]
    public void DataStateMustAgreeWithDataFlag()
    {
        var b = Basic().Header();
        var e = TableData(10, "a");
        e.DataState = 3;
        b.Toc(e).DataBlock(10, CopyData(1));
        DumpFixtures.AssertFails(() => Read(b.ToArray()), DumpErrorIds.DumpStructureInvalid);
    }

    [Fact]
    public void ZlibStreamCutShortInsideIntactFramingIsInvalid()
    {
        var compressed = Zlib(CopyData(5000));
        var b = Basic(14, level: 6).Header();
        b.Toc(TableData(10, "a"));
        b.WriteByte(1);
        b.WriteInt(10);
        b.RawChunks(compressed.AsSpan(0, compressed.Length / 2).ToArray());
        DumpFixtures.AssertFails(() => Read(b.ToArray()), DumpErrorIds.DumpStructureInvalid);
    }

    [Fact]
    public void ZlibStreamWithJunkAfterItIsInvalid()
    {
        var compressed = Zlib(CopyData(50)).Concat(new byte[] { 1, 2, 3, 4, 5 }).ToArray();
        var b = Basic(14, level: 6).Header();
        b.Toc(TableData(10, "a"));
        b.WriteByte(1);
        b.WriteInt(10);
        b.RawChunks(compressed);
        DumpFixtures.AssertFails(() => Read(b.ToArray()), DumpErrorIds.DumpStructureInvalid);
    }

    [Fact]
    public void CorruptZlibDataIsInvalid()
    {
        var compressed = Zlib(CopyData(5000, "abcdefghijklmnopqrstuvwxyz"));
        compressed[compressed.Length / 2] ^= 0x55;
        compressed[(compressed.Length / 2) + 1] ^= 0xAA;
        var b = Basic(14, level: 6).Header();
        b.Toc(TableData(10, "a"));
        b.WriteByte(1);
        b.WriteInt(10);
        b.RawChunks(compressed);
        DumpFixtures.AssertFails(() => Read(b.ToArray()), DumpErrorIds.DumpStructureInvalid);
    }

    [Fact]
    public void UncompressedBlockInGzipArchiveIsInvalid()
    {
        var b = Basic(14, level: 6).Header();
        b.Toc(TableData(10, "a"));
        b.DataBlock(10, CopyData(3));
        DumpFixtures.AssertFails(() => Read(b.ToArray()), DumpErrorIds.DumpStructureInvalid);
    }

    [Fact]
    public void DirectoryFormatTocIsNotACustomArchive()
    {
        var bytes = Basic().Header().ToArray();
        bytes[10] = 5;
        var e = DumpFixtures.AssertFails(() => Read(bytes), DumpErrorIds.DumpNotPostgresArchive);
        Assert.Contains("directory", e.Message);
    }

    [Fact]
    public void LargeSyntheticArchiveWithBigRowsReadsAcrossBufferBoundaries()
    {
        // Rows far larger than the reader's buffer, in chunks that straddle every refill.
        var row = new string('v', 3_000_000);
        var b = Basic(16).Header();
        b.Toc(TableData(10, "wide"), TableData(11, "narrow"));
        b.DataBlock(10, CopyData(3, row), chunk: 1_000_003).DataBlock(11, CopyData(200_000), chunk: 65536);
        var bytes = b.ToArray();
        var inspection = Read(bytes);
        Assert.Equal(new long?[] { 3, 200_000 }, inspection.Tables.Select(t => t.Rows));
        Assert.Equal(bytes.Length, inspection.TotalBytes);
    }

    [Fact]
    public void NamesLongerThanTheBufferAreRead()
    {
        string table = "t_" + new string('長', 5000);
        string schema = new string('s', 3000);
        var b = Basic(16).Header();
        b.Toc(TableData(10, table, schema));
        b.DataBlock(10, CopyData(7), chunk: 5);
        var inspection = ReadSmallBuffer(b.ToArray(), 256);
        Assert.Equal((schema, table, (long?)7), inspection.Tables.Select(t => (t.Schema, t.Table, t.Rows)).Single());
    }

    [Fact]
    public void CancellationIsHonoured()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            CustomArchiveReader.Read(new MemoryStream(DumpFixtures.Bytes(DumpFixtures.CustomZ0Pipe)), cts.Token));
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);
}
