using System.Buffers;
using System.Runtime.CompilerServices;

namespace BackupPs.Core.Postgres;

/// <summary>
/// A forward-only window over a (non-seekable) stream. The readers parse straight out of
/// <see cref="Buffer"/> between <see cref="Pos"/> and <see cref="End"/>, so scanning costs no call per byte.
/// </summary>
internal sealed class DumpInput : IDisposable
{
    internal const int DefaultBufferSize = 1 << 20;

    private readonly Stream _stream;
    private readonly CancellationToken _cancellationToken;
    private byte[] _buffer;
    private int _pos;
    private int _end;
    private long _bufferOffset;
    private bool _eof;
    private Stream? _recording;
    private int _recordFrom;

    internal DumpInput(Stream stream, CancellationToken cancellationToken, int bufferSize = DefaultBufferSize)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The dump stream must be readable.", nameof(stream));
        }

        if (bufferSize < 64)
        {
            throw new ArgumentOutOfRangeException(nameof(bufferSize));
        }

        _stream = stream;
        _cancellationToken = cancellationToken;
        _buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
    }

    /// <summary>The window's backing array; valid bytes are [<see cref="Pos"/>, <see cref="End"/>).</summary>
    internal byte[] Buffer => _buffer;

    internal int Pos
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _pos;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        set => _pos = value;
    }

    internal int End
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _end;
    }

    internal int Available
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _end - _pos;
    }

    internal int Capacity => _buffer.Length;

    /// <summary>Absolute offset in the stream of the next unread byte.</summary>
    internal long Position => _bufferOffset + _pos;

    /// <summary>Bytes read from the stream so far.</summary>
    internal long TotalRead => _bufferOffset + _end;

    /// <summary>True once the stream has reported its end (there may still be buffered bytes).</summary>
    internal bool StreamEnded => _eof;

    internal ReadOnlySpan<byte> AvailableSpan => new(_buffer, _pos, _end - _pos);

    /// <summary>Makes at least <paramref name="count"/> bytes available; false if the stream ends first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool Ensure(int count)
    {
        if (_end - _pos >= count)
        {
            return true;
        }

        return EnsureSlow(count);
    }

    private bool EnsureSlow(int count)
    {
        if (count > _buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "Request exceeds the buffer size.");
        }

        if (_buffer.Length - _pos < count)
        {
            Compact();
        }

        while (_end - _pos < count)
        {
            if (ReadMore() == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Reads more bytes into the window, keeping the unread ones. Returns how many were added; 0 means the
    /// stream has ended (or the window is full of unread bytes, which callers avoid by consuming first).
    /// </summary>
    internal int Fill()
    {
        if (_pos == _end)
        {
            FlushRecording();
            _bufferOffset += _pos;
            _pos = 0;
            _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            Compact();
        }

        return ReadMore();
    }

    private void Compact()
    {
        int unread = _end - _pos;
        if (_pos > 0)
        {
            FlushRecording();
            if (unread > 0)
            {
                System.Buffer.BlockCopy(_buffer, _pos, _buffer, 0, unread);
            }

            _bufferOffset += _pos;
            _pos = 0;
            _end = unread;
        }
    }

    /// <summary>
    /// From now on, every byte consumed from absolute position <paramref name="from"/> on (which must
    /// still be in the window) is also written to <paramref name="sink"/>, until <see cref="StopRecording"/>.
    /// Lets a caller keep the raw bytes of a region the parser walks (a restore forwards the TOC and
    /// some data blocks verbatim) without a second parser.
    /// </summary>
    internal void StartRecording(long from, Stream sink)
    {
        if (_recording is not null || from < _bufferOffset || from > Position)
        {
            throw new InvalidOperationException("Recording must start inside the window, and not while another recording runs.");
        }

        _recording = sink;
        _recordFrom = (int)(from - _bufferOffset);
    }

    /// <summary>Writes the recorded bytes up to the current position to the sink and stops recording.</summary>
    internal void StopRecording()
    {
        FlushRecording();
        _recording = null;
    }

    /// <summary>Hands the consumed part of the recorded region to the sink before the window drops it.</summary>
    private void FlushRecording()
    {
        if (_recording is { } sink)
        {
            sink.Write(_buffer, _recordFrom, _pos - _recordFrom);
            _recordFrom = 0;
        }
    }

    private int ReadMore()
    {
        if (_eof || _end == _buffer.Length)
        {
            return 0;
        }

        _cancellationToken.ThrowIfCancellationRequested();
        int n = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (n <= 0)
        {
            _eof = true;
            return 0;
        }

        _end += n;
        return n;
    }

    public void Dispose()
    {
        var b = _buffer;
        _buffer = Array.Empty<byte>();
        _pos = _end = 0;
        if (b.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(b);
        }
    }
}
