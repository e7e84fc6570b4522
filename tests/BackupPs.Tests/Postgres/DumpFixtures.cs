using BackupPs.Core.Errors;
using BackupPs.Core.Postgres;
using Xunit;

namespace BackupPs.Tests.Postgres;

/// <summary>
/// Real dumps made by pg_dump 15.18 (Debian bookworm) of the database built by Fixtures/fixturedb.sql.
/// The expected counts were recorded with SELECT count(*) right after loading it.
/// </summary>
internal static class DumpFixtures
{
    internal const string CustomZ0Pipe = "pg15-custom-z0-pipe.dump";       // pg_dump -Fc -Z0 | cat   (no data offsets)
    internal const string CustomZ0File = "pg15-custom-z0-file.dump";       // pg_dump -Fc -Z0 -f file (data offsets set)
    internal const string CustomGzipPipe = "pg15-custom-gzip-pipe.dump";   // pg_dump -Fc | cat
    internal const string CustomGzipFile = "pg15-custom-gzip-file.dump";   // pg_dump -Fc -f file
    internal const string Plain = "pg15-plain.sql";                        // pg_dump -Fp (has \restrict / \unrestrict)
    internal const string CustomInserts = "pg15-custom-inserts.dump";      // -Fc -Z0 --inserts -t public.tricky -t public.one_col
    internal const string PlainInserts = "pg15-plain-inserts.sql";         // -Fp --inserts -t public.tricky -t public.one_col
    internal const string CustomSchemaOnly = "pg15-custom-schema-only.dump"; // -Fc -Z0 -s
    internal const string CustomPartitionRoot = "pg15-custom-partition-root.dump"; // -Fc -Z0 --load-via-partition-root -t 'public.measurements*'
    internal const string PlainPartitionRoot = "pg15-plain-partition-root.sql";    // -Fp --load-via-partition-root -t 'public.measurements*'

    // The same database dumped by pg_dump 17.11 (Debian trixie, image backupps-test/postgres:17).
    internal const string Pg17CustomZ0Pipe = "pg17-custom-z0-pipe.dump";
    internal const string Pg17CustomZ0File = "pg17-custom-z0-file.dump";
    internal const string Pg17CustomGzipPipe = "pg17-custom-gzip-pipe.dump";    // pg_dump -Fc | cat
    internal const string Pg17CustomGzip9File = "pg17-custom-gzip9-file.dump";  // pg_dump -Fc -Z gzip:9 -f file
    internal const string Pg17CustomLz4 = "pg17-custom-lz4.dump";               // pg_dump -Fc -Z lz4
    internal const string Pg17CustomZstd = "pg17-custom-zstd.dump";             // pg_dump -Fc -Z zstd
    internal const string Pg17Plain = "pg17-plain.sql";

    internal const string ServerVersion = "15.18 (Debian 15.18-0+deb12u1)";

    internal const string Pg17ServerVersion = "17.11 (Debian 17.11-0+deb13u1)";

    internal const int LargeObjects = 3;

    /// <summary>Tables in dump order with their SELECT count(*).</summary>
    internal static readonly (string Schema, string Table, long Rows)[] Tables =
    {
        ("inventory", "Order Items", 57),
        ("public", "Quote\"Table", 2),
        ("public", "empty_table", 0),
        ("public", "loans", 400),
        ("public", "measurements_2023", 365),
        ("public", "measurements_2024", 136),
        ("public", "one_col", 5),
        ("public", "tricky", 7),
    };

    internal static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Postgres", "Fixtures", name);

    internal static byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));

    internal static void AssertTables(DumpInspection inspection)
    {
        var actual = inspection.Tables.Select(t => (t.Schema, t.Table, t.Rows)).ToArray();
        var expected = Tables.Select(t => (t.Schema, t.Table, (long?)t.Rows)).ToArray();
        Assert.Equal(expected, actual);
    }

    internal static BackupPsException AssertFails(Func<DumpInspection> read, params string[] allowedErrorIds)
    {
        DumpInspection? result = null;
        try
        {
            result = read();
        }
        catch (BackupPsException e)
        {
            Assert.Equal(FailureCategory.InvalidData, e.Category);
            Assert.True(allowedErrorIds.Contains(e.ErrorId), $"ErrorId {e.ErrorId} not in [{string.Join(", ", allowedErrorIds)}]: {e.Message}");
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
            Assert.DoesNotContain('\n', e.Message);
            return e;
        }

        Assert.Fail($"Expected a failure but the dump was accepted ({result!.TotalBytes} bytes).");
        throw new InvalidOperationException();
    }
}

/// <summary>A stream that hands out at most a few bytes per read and cannot seek, like a slow pipe.</summary>
internal sealed class TrickleStream : Stream
{
    private readonly byte[] _data;
    private readonly Random _random;
    private readonly int _maxChunk;
    private int _pos;

    internal TrickleStream(byte[] data, int seed, int maxChunk = 7)
    {
        _data = data;
        _random = new Random(seed);
        _maxChunk = maxChunk;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = Math.Min(Math.Min(count, _random.Next(1, _maxChunk + 1)), _data.Length - _pos);
        Array.Copy(_data, _pos, buffer, offset, n);
        _pos += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
