using System.Buffers.Binary;
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
    private uint _lastFour;

    internal ChunkPayloadStream(CustomArchiveParser parser)
    {
        _parser = parser;
    }

    /// <summary>Compressed bytes taken from the chunks so far.</summary>
    internal long PayloadBytes { get; private set; }

    /// <summary>The last four payload bytes, big-endian (the zlib trailer when the stream is complete).</summary>
    internal uint LastFour => _lastFour;

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
        var input = _parser.Input;
        while (written < destination.Length && !_finished)
        {
            if (_chunkRemaining == 0)
            {
                int len = _parser.ReadChunkLength();
                if (len == 0)
                {
                    _finished = true;
                    break;
                }

                _chunkRemaining = len;
            }

            if (input.Available == 0 && input.Fill() == 0)
            {
                throw _parser.TruncatedInData();
            }

            int take = Math.Min(Math.Min(input.Available, _chunkRemaining), destination.Length - written);
            var src = new ReadOnlySpan<byte>(input.Buffer, input.Pos, take);
            src.CopyTo(destination[written..]);
            Track(src);
            input.Pos += take;
            _chunkRemaining -= take;
            written += take;

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
        var input = _parser.Input;
        while (!_finished)
        {
            if (_chunkRemaining == 0)
            {
                int len = _parser.ReadChunkLength();
                if (len == 0)
                {
                    _finished = true;
                    break;
                }

                _chunkRemaining = len;
            }

            if (input.Available == 0 && input.Fill() == 0)
            {
                throw _parser.TruncatedInData();
            }

            int take = Math.Min(input.Available, _chunkRemaining);
            Track(new ReadOnlySpan<byte>(input.Buffer, input.Pos, take));
            input.Pos += take;
            _chunkRemaining -= take;
        }
    }

    private void Track(ReadOnlySpan<byte> src)
    {
        if (src.Length >= 4)
        {
            _lastFour = BinaryPrimitives.ReadUInt32BigEndian(src[^4..]);
        }
        else
        {
            foreach (byte b in src)
            {
                _lastFour = (_lastFour << 8) | b;
            }
        }

        PayloadBytes += src.Length;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
