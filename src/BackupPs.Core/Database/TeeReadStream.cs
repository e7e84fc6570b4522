namespace BackupPs.Core.Database;

/// <summary>
/// Hands the dump to its parser and, as a side effect of every read, to the compressor: one pass,
/// no second copy of the data, and the parser's read position is the backup's progress. (With
/// Stream.Null as the copy it simply reports read progress.)
/// </summary>
internal sealed class TeeReadStream(Stream source, Stream copy, Action<long> progress) : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = source.Read(buffer);
        if (read > 0)
        {
            copy.Write(buffer[..read]);
            BytesRead += read;
            progress(BytesRead);
        }

        return read;
    }

    public override void Flush() => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
