using System.Text;
using BackupPs.Core.Postgres;
using Xunit;

namespace BackupPs.Tests.Postgres;

/// <summary>
/// What a parallel restore relies on while the parser proves an archive: the TOC alone is an archive
/// pg_restore accepts, the observer is given every COPY row once and every other block byte for byte,
/// and the data positions it fills in are where the blocks really start.
/// </summary>
public sealed class ArchiveObserverTests
{
    [Theory]
    [InlineData(DumpFixtures.CustomZ0Pipe)]
    [InlineData(DumpFixtures.CustomGzipPipe)]
    [InlineData(DumpFixtures.Pg17CustomZ0Pipe)]
    public void TheTableOfContentsIsTheArchiveUpToItsFirstBlock(string fixture)
    {
        var archive = DumpFixtures.Bytes(fixture);
        var toc = CustomArchiveReader.ReadTableOfContents(new MemoryStream(archive), CancellationToken.None);
        var observer = Observe(archive);

        Assert.Equal(observer.BlockStarts.Values.Min(), toc.Bytes.Length);
        Assert.Equal(archive.AsSpan(0, toc.Bytes.Length).ToArray(), toc.Bytes);
        // Read on its own, it is complete.
        var again = CustomArchiveReader.ReadTableOfContents(new MemoryStream(toc.Bytes), CancellationToken.None);
        Assert.Equal(toc.Entries.Select(e => (e.DumpId, e.Desc, e.Tag)), again.Entries.Select(e => (e.DumpId, e.Desc, e.Tag)));
        Assert.Contains(toc.Entries, e => e.Desc == "ENCODING" && e.Definition!.Contains("client_encoding", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(DumpFixtures.CustomZ0Pipe)]
    [InlineData(DumpFixtures.CustomGzipPipe)]
    [InlineData(DumpFixtures.Pg17CustomZ0Pipe)]
    public void TheObserverGetsEveryRowOnceAndTheOtherBlocksVerbatim(string fixture)
    {
        var archive = DumpFixtures.Bytes(fixture);
        var observer = Observe(archive);

        var rows = DumpFixtures.Tables.Select(t => (t.Schema, t.Table, t.Rows)).ToArray();
        Assert.Equal(rows, observer.Rows.Select(r => (r.Entry.Namespace!, r.Entry.Tag!, (long)(Lines(r.Text) - 3))).ToArray());
        Assert.All(observer.Rows, r => Assert.EndsWith("\\.\n\n\n", r.Text, StringComparison.Ordinal));
        Assert.All(observer.Rows, r => Assert.StartsWith("COPY ", r.Entry.CopyStatement, StringComparison.Ordinal));

        // The large objects' block, byte for byte as it stands in the file.
        var forwarded = observer.Forwarded;
        var blobs = Assert.Single(forwarded);
        Assert.Equal("BLOBS", blobs.Desc);
        Assert.Equal(archive.AsSpan((int)blobs.BlockStart, (int)(blobs.BlockEnd - blobs.BlockStart)).ToArray(), observer.BlockSink.ToArray());
    }

    [Fact]
    public void DataPositionsAreTheOnesPgDumpWritesIntoAFile()
    {
        // The same database dumped to a pipe (no positions) and to a file (positions set by pg_dump).
        var pipe = DumpFixtures.Bytes(DumpFixtures.CustomZ0Pipe);
        var toc = CustomArchiveReader.ReadTableOfContents(new MemoryStream(pipe), CancellationToken.None);
        var observer = Observe(pipe);

        var patched = CustomArchiveReader.ReadTableOfContents(new MemoryStream(toc.WithDataPositions(observer.BlockStarts)), CancellationToken.None);
        var written = CustomArchiveReader.ReadTableOfContents(new MemoryStream(DumpFixtures.Bytes(DumpFixtures.CustomZ0File)), CancellationToken.None);

        Assert.All(toc.Entries.Where(e => e.HadDumper), e => Assert.Equal(1, e.DataState));
        Assert.Equal(
            written.Entries.Where(e => e.HadDumper).Select(e => (e.DumpId, e.DataState, e.DataPos)),
            patched.Entries.Where(e => e.HadDumper).Select(e => (e.DumpId, e.DataState, e.DataPos)));
        Assert.Equal(toc.Bytes.Length, toc.WithDataPositions(observer.BlockStarts).Length);
    }

    [Fact]
    public void RecordingKeepsEveryByteOfARegionAcrossRefills()
    {
        var data = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();
        using var input = new DumpInput(new MemoryStream(data), CancellationToken.None, bufferSize: 64);
        using var sink = new MemoryStream();
        Assert.True(input.Ensure(40));
        input.Pos += 30;
        input.StartRecording(10, sink);
        while (input.Position < 4321)
        {
            if (input.Available == 0)
            {
                input.Fill();
            }

            input.Pos += (int)Math.Min(input.Available, Math.Min(17, 4321 - input.Position));
        }

        input.StopRecording();
        Assert.Equal(data.AsSpan(10, 4311).ToArray(), sink.ToArray());
    }

    private static int Lines(string text) => text.Count(c => c == '\n');

    private static RecordingObserver Observe(byte[] archive)
    {
        var observer = new RecordingObserver();
        var inspection = DumpInspector.Read(new MemoryStream(archive), observer, CancellationToken.None);
        Assert.Equal(DumpFixtures.LargeObjects, inspection.LargeObjects);
        return observer;
    }

    /// <summary>Takes the COPY text of table data and forwards everything else, as the restore's loader does.</summary>
    private sealed class RecordingObserver : IArchiveObserver
    {
        private readonly MemoryStream _current = new();

        public MemoryStream BlockSink { get; } = new();

        Stream IArchiveObserver.BlockSink => BlockSink;

        public List<(ArchiveEntry Entry, string Text)> Rows { get; } = [];

        public List<ArchiveEntry> Forwarded { get; } = [];

        public Dictionary<int, long> BlockStarts { get; } = [];

        public bool ForwardBlock(ArchiveEntry entry) => !(entry.IsTableData && entry.CopyStatement is not null);

        void IArchiveObserver.Rows(ArchiveEntry entry, ReadOnlySpan<byte> payload) => _current.Write(payload);

        public void BlockEnded(ArchiveEntry entry)
        {
            BlockStarts[entry.DumpId] = entry.BlockStart;
            if (ForwardBlock(entry))
            {
                Forwarded.Add(entry);
                return;
            }

            Rows.Add((entry, Encoding.UTF8.GetString(_current.ToArray())));
            _current.SetLength(0);
        }
    }
}
