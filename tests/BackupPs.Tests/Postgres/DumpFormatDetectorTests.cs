using System.Text;
using BackupPs.Core.Postgres;
using Xunit;

namespace BackupPs.Tests.Postgres;

public class DumpFormatDetectorTests
{
    [Theory]
    [InlineData("PGDMP\u0001\u000e\u0000", DumpFormat.Custom)]
    [InlineData("PGDMP", DumpFormat.Custom)]
    [InlineData("--\n-- PostgreSQL database dump", DumpFormat.Plain)]
    [InlineData("--", DumpFormat.Plain)]
    [InlineData("\\restrict abc\n", DumpFormat.Plain)]
    [InlineData("\\restrict", DumpFormat.Plain)]
    [InlineData("\\restricted", DumpFormat.Unknown)]
    [InlineData("PGDM", DumpFormat.Unknown)]
    [InlineData("-", DumpFormat.Unknown)]
    [InlineData("", DumpFormat.Unknown)]
    [InlineData("SELECT 1;", DumpFormat.Unknown)]
    [InlineData("\u001f\u008b\u0008", DumpFormat.Unknown)]
    public void DetectsFromFirstBytes(string first, DumpFormat expected)
    {
        var bytes = first.Select(c => (byte)c).ToArray();
        Assert.Equal(expected, DumpFormatDetector.Detect(bytes));
    }

    [Theory]
    [InlineData(DumpFixtures.CustomZ0Pipe, DumpFormat.Custom)]
    [InlineData(DumpFixtures.CustomGzipFile, DumpFormat.Custom)]
    [InlineData(DumpFixtures.Plain, DumpFormat.Plain)]
    public void InspectorPicksTheReader(string fixture, DumpFormat expected)
    {
        var bytes = DumpFixtures.Bytes(fixture);
        Assert.Equal(expected, DumpFormatDetector.Detect(bytes.AsSpan(0, DumpFormatDetector.BytesNeeded)));
        var inspection = DumpInspector.Read(new MemoryStream(bytes));
        Assert.Equal(expected, inspection.Format);
        DumpFixtures.AssertTables(inspection);
        Assert.Equal(bytes.Length, inspection.TotalBytes);
    }

    [Fact]
    public void InspectorRejectsOtherData()
    {
        DumpFixtures.AssertFails(() => DumpInspector.Read(new MemoryStream(new byte[] { 0x1f, 0x8b, 8, 0, 0 })), DumpErrorIds.DumpNotPostgresArchive);
        DumpFixtures.AssertFails(() => DumpInspector.Read(new MemoryStream(Encoding.ASCII.GetBytes("PGD"))), DumpErrorIds.DumpTruncated);
        DumpFixtures.AssertFails(() => DumpInspector.Read(new MemoryStream(Encoding.ASCII.GetBytes("{\"a\":1}"))), DumpErrorIds.DumpNotPostgresArchive);
    }
}
