using System.IO.Compression;

namespace BackupPs.Core.Postgres;

/// <summary>
/// Presents the payload of one custom-archive data stream (a run of length-prefixed chunks ended by a
/// zero length) as a plain stream, so that <see cref="ZLibStream"/> can inflate it. pg_dump writes one
/// zlib (RFC 1950) stream per table and per large object (compress_gzip.c uses deflateInit / inflateInit).
/// </summary>
internal sealed class ChunkPayloadStream : Stream
{
    private readonly CustomArchiveParser _parser;
    private int _chunkRemaining;
    private bool _finished;
    private StreamTail _tail;

    internal ChunkPayloadStream(CustomArchiveParser parser)
    {
        _parser = parser;
    }

    /// <summary>Compressed bytes taken from the chunks so far.</summary>
    internal long PayloadBytes => _tail.Length;

    /// <summary>The last four payload bytes, big-endian (the zlib trailer when the stream is complete).</summary>
    internal uint LastFour => _tail.LastFour;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> destination)
    {
        if (destination.IsEmpty)
        {
            return 0;
        }

        int written = 0;
        while (written < destination.Length && !_finished)
        {
            var src = TakePayload(destination.Length - written);
            src.CopyTo(destination[written..]);
            written += src.Length;

            // Hand back what we have rather than block on the next chunk header.
            if (_chunkRemaining == 0)
            {
                break;
            }
        }

        return written;
    }

    /// <summary>Consumes whatever the inflater left unread, up to and including the end marker.</summary>
    internal void DrainToEnd()
    {
        while (!_finished)
        {
            TakePayload(int.MaxValue);
        }
    }

    /// <summary>
    /// Consumes and returns up to <paramref name="max"/> (&gt; 0) payload bytes from the window, first
    /// reading the next chunk header when the current chunk is used up. Returns an empty span, and
    /// finishes, at the end marker. The span is valid until the window is next refilled.
    /// </summary>
    private ReadOnlySpan<byte> TakePayload(int max)
    {
        if (_chunkRemaining == 0)
        {
            int len = _parser.ReadChunkLength();
            if (len == 0)
            {
                _finished = true;
                return default;
            }

            _chunkRemaining = len;
        }

        var input = _parser.Input;
        int take = _parser.AvailableUpTo(Math.Min(_chunkRemaining, max));
        var src = new ReadOnlySpan<byte>(input.Buffer, input.Pos, take);
        _tail.Push(src);
        input.Pos += take;
        _chunkRemaining -= take;
        return src;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
